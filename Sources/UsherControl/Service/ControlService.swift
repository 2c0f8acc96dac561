#if canImport(Glibc)
import Glibc
#endif
import UsherCore
import UsherGate
import UsherKernel

/// The operations of the control protocol, carried out on a running ``Gate``; the socket server
/// and in-process clients share it.
public final class ControlService: Sendable {
    public let gate: Gate
    /// usher's version, for `hello`.
    public let version: String
    /// The sampler of the host's listeners, when the host is watched.
    public let host: HostWatch?
    let startedAt: Moment
    let pid: Int32

    public init(gate: Gate, version: String, host: HostWatch? = nil) {
        self.gate = gate
        self.version = version
        self.host = host
        self.startedAt = .now
        self.pid = getpid()
    }

    public func hello(role: Role) -> WireHello {
        WireHello(
            protocol: ControlProtocol.version, version: version, pid: pid,
            uptimeMs: WireClock.milliseconds(from: startedAt, to: .now), role: role)
    }

    /// Listeners, counters and pending requests; `host` adds every TCP listener of the host.
    public func snapshot(host includingHost: Bool = false) -> WireSnapshot {
        let snapshot = gate.snapshot()
        let clock = WireClock(now: snapshot.at)
        var wire = WireSnapshot(
            snapshot, startedAt: startedAt, maxConnections: gate.configuration.provider.maxConnections, clock: clock)
        wire.listeners = wireListeners(snapshot.listeners)
        if includingHost, let view = host?.latest { wire.host = WireHost(view, clock: clock, history: true) }
        return wire
    }

    /// The gated listeners on the wire, each with the depth of its kernel accept queue when the
    /// host is sampled (found among the host's listeners by address and by this process
    /// holding it).
    private func wireListeners(_ statuses: [ListenerStatus]) -> [WireListener] {
        let view = host?.latest
        return statuses.map { status in
            var listener = WireListener(status)
            listener.kernelDepth = view?.listener(on: status.endpoint.host, port: status.endpoint.port, heldBy: pid)?
                .socket.depth
            return listener
        }
    }

    /// A `host` event: the host's listeners at the latest sample.
    func hostEvent(_ view: HostView) -> WireEvent {
        let clock = WireClock(now: .now)
        var event = WireEvent(seq: nil, kind: "host", at: clock.text(view.at))
        event.host = WireHost(view, clock: clock, history: false)
        return event
    }

    /// The gate's statistics with the control plane's own numbers.
    public func stats(controlClients: Int, subscribers: Int, eventsMissed: Int) -> WireStats {
        let snapshot = gate.snapshot(includingPending: false)
        return WireStats(
            uptimeMs: WireClock.milliseconds(from: startedAt, to: snapshot.at),
            counters: WireCounters(snapshot.counters), listeners: wireListeners(snapshot.listeners),
            connections: snapshot.connections, maxConnections: gate.configuration.provider.maxConnections,
            seq: snapshot.lastEventSequence, controlClients: controlClients, subscribers: subscribers,
            eventsMissed: eventsMissed)
    }

    /// Decides every request the operation selects, one at a time; each gets its own result, so
    /// one that was decided meanwhile does not stop the others.
    public func decide(_ operation: DecideOperation, by person: Operator) -> [WireDecision] {
        let chosen = decision(for: operation.decision)
        return targets(of: operation).map { id in
            do throws(LifecycleError) {
                try gate.decide(id, chosen, by: .operator(person))
                return WireDecision(request: id.description, ok: true, state: Self.stateName(after: chosen))
            } catch {
                return WireDecision(request: id.description, ok: false, error: error.description)
            }
        }
    }

    /// The IDs named, or the undecided requests the selector matches (among the IDs, if named).
    private func targets(of operation: DecideOperation) -> [RequestID] {
        let named = operation.ids.compactMap(RequestID.init)
        guard let selector = operation.selector else { return named }
        let snapshot = gate.snapshot()
        let wanted = Set(named)
        return snapshot.pending
            .filter { $0.state.isUndecided && selector.matches($0, listeners: snapshot.listeners) }
            .map(\.id)
            .filter { wanted.isEmpty || wanted.contains($0) }
    }

    private func decision(for request: DecisionRequest) -> Decision {
        switch request {
        case .accept:
            return .accept
        case .reject(let mode, let message):
            return .reject(Rejection(mode: mode, message: message ?? gate.configuration.provider.defaultRejection.message))
        case .deferral(let duration):
            return .deferral(duration)
        }
    }

    private static func stateName(after decision: Decision) -> String {
        switch decision {
        case .accept: "accepted"
        case .reject(let rejection): rejection.mode == .reset ? "reset" : "rejected"
        case .deferral: "deferred"
        }
    }

    /// The wire form of a gate event.
    func wireEvent(_ event: GateEvent) -> WireEvent {
        let listeners: [ListenerStatus] =
            if case .listener = event.event { gate.snapshot(includingPending: false).listeners } else { [] }
        return WireEvent(event, listeners: listeners, clock: WireClock(now: .now))
    }

    /// A `stats` tick: counters and listeners now.
    func statsEvent() -> WireEvent {
        let snapshot = gate.snapshot(includingPending: false)
        let clock = WireClock(now: snapshot.at)
        var event = WireEvent(seq: nil, kind: "stats", at: clock.text(snapshot.at))
        event.counters = WireCounters(snapshot.counters)
        event.listeners = wireListeners(snapshot.listeners)
        event.connections = snapshot.connections
        return event
    }
}
