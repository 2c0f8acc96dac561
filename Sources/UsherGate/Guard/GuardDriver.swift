import NIOConcurrencyHelpers
import NIOCore
import UsherCore
import UsherKernel

/// Runs the sans-IO ``ProviderCore`` for the guard: SYNs from the netfilter queue arrive as
/// connection requests, and the core's actions become verdicts on the held packets.
///
/// Every call locks the core, applies one step, turns the actions into verdicts (an accepted
/// request is done once its SYN passes: the server's kernel completes the handshake), and
/// sends the verdicts once the lock is released. A sweep every 100 ms advances the core's
/// clock (pending timeouts, deferrals) and withdraws requests whose clients stopped
/// retransmitting.
final class GuardDriver: CoreHost {
    struct State {
        var core: ProviderCore
        var held = HeldSYNs()
    }

    /// A verdict to send once the lock is released.
    struct Verdict: Equatable {
        var packet: UInt32
        var verdict: GuardVerdict
    }

    private let state: NIOLockedValueBox<State>
    private let events: EventFanout
    private let listenerPorts: [Int: ListenerID]
    private let rejectWith: GuardConfiguration.RejectWith
    /// Sends a verdict to the kernel.
    private let send: @Sendable (Verdict) -> Void

    init(
        core: ProviderCore, ports: [Int], rejectWith: GuardConfiguration.RejectWith, events: EventFanout,
        send: @escaping @Sendable (Verdict) -> Void
    ) {
        self.state = NIOLockedValueBox(State(core: core))
        self.events = events
        self.rejectWith = rejectWith
        self.send = send
        self.listenerPorts = Dictionary(ports.enumerated().map { ($1, ListenerID($0)) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Packets

    /// A packet the firewall queued. Anything but a SYN to a guarded port passes unread.
    func received(_ packet: QueuedPacket, at now: Moment = .now) {
        guard let segment = SYNSegment(packet: packet.bytes), segment.isConnectionRequest,
              let listener = listenerPorts[segment.destination.port]
        else { return send(Verdict(packet: packet.id, verdict: .accept)) }
        let tuple = HeldSYNs.Tuple(client: segment.source, server: segment.destination)
        step { state, verdicts in
            switch state.held.syn(tuple, packet: packet.id, sequence: segment.sequenceNumber, at: now) {
            case .decided(let verdict):
                verdicts.append(Verdict(packet: packet.id, verdict: verdict))
                return ProviderOutput()
            case .retransmit(let id, let older, let count):
                verdicts.append(Verdict(packet: older, verdict: .drop))
                let after = DurationText.format(state.held.retransmits(of: id).last ?? .zero)
                return (try? state.core.received(Array("SYN again (\(count)) at +\(after)\n".utf8), for: id, at: now)) ?? ProviderOutput()
            case .new:
                return arrive(segment, packet: packet.id, tuple: tuple, on: listener, at: now, state: &state, verdicts: &verdicts)
            }
        }
    }

    private func arrive(
        _ segment: SYNSegment, packet: UInt32, tuple: HeldSYNs.Tuple, on listener: ListenerID, at now: Moment,
        state: inout State, verdicts: inout [Verdict]
    ) -> ProviderOutput {
        var (outcome, output) = state.core.arrive(on: listener, peer: segment.source, local: segment.destination, at: now)
        switch outcome {
        case .queued(let id):
            state.held.hold(tuple, packet: packet, sequence: segment.sequenceNumber, request: id, at: now)
            let description = "SYN \(segment.options.summary)" + (segment.dataLength > 0 ? " data=\(segment.dataLength)" : "") + "\n"
            output.append(contentsOf: (try? state.core.received(Array(description.utf8), for: id, at: now)) ?? ProviderOutput())
        case .overflowed(let id):
            verdicts.append(Verdict(packet: packet, verdict: .refuse))
            output.append(contentsOf: state.core.connectionClosed(id, at: now))
        case .parked:
            // The queue is full: as a kernel with a full SYN queue does, drop it; the client
            // sends it again later.
            verdicts.append(Verdict(packet: packet, verdict: .drop))
        }
        return output
    }

    // MARK: Time

    /// Advances the core's clock and withdraws the requests whose clients gave up.
    func sweep(at now: Moment = .now) {
        step { state, verdicts in
            var output = state.core.advance(to: now)
            for id in state.held.silent(at: now) {
                if let packet = state.held.release(id, verdict: .drop, at: now) {
                    verdicts.append(Verdict(packet: packet, verdict: .drop))
                }
                output.append(contentsOf: state.core.connectionClosed(id, at: now))
            }
            return output
        }
    }

    /// Gives every undecided request the timeout action.
    func shutDown() {
        step { state, _ in state.core.shutDown(at: .now) }
    }

    // MARK: Queries

    func snapshot(includingPending: Bool = true) -> GateSnapshot {
        state.withLockedValue { state in
            GateSnapshot(
                counters: state.core.counters, listeners: state.core.listeners, connections: state.held.count,
                pending: includingPending ? state.core.pendingRequests : [], at: .now,
                lastEventSequence: events.lastSequence, drainingUntil: nil)
        }
    }

    /// Requests held now.
    var heldCount: Int { state.withLockedValue { $0.held.count } }

    // MARK: Stepping

    func stepCore<Result>(_ body: (inout ProviderCore) -> (Result, ProviderOutput)) -> Result {
        step { state, _ in body(&state.core) }
    }

    func tryStepCore<Result>(
        _ body: (inout ProviderCore) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        let attempt: Swift.Result<(Result, [Verdict]), LifecycleError> = state.withLockedValue { state in
            state.core.eventInterest = events.interest
            do throws(LifecycleError) {
                let (result, output) = try body(&state.core)
                var verdicts: [Verdict] = []
                conclude(output, in: &state, verdicts: &verdicts)
                return .success((result, verdicts))
            } catch {
                return .failure(error)
            }
        }
        let (result, verdicts) = try attempt.get()
        deliver(verdicts)
        return result
    }

    func readCore<Result>(_ body: (ProviderCore) -> Result) -> Result {
        state.withLockedValue { body($0.core) }
    }

    /// Applies `body` under the lock, carries out its output, then sends the verdicts.
    private func step(_ body: (inout State, inout [Verdict]) -> ProviderOutput) {
        step { state, verdicts in ((), body(&state, &verdicts)) }
    }

    private func step<Result>(_ body: (inout State, inout [Verdict]) -> (Result, ProviderOutput)) -> Result {
        let (result, verdicts) = state.withLockedValue { state in
            state.core.eventInterest = events.interest
            var verdicts: [Verdict] = []
            let (result, output) = body(&state, &verdicts)
            conclude(output, in: &state, verdicts: &verdicts)
            return (result, verdicts)
        }
        deliver(verdicts)
        return result
    }

    /// Under the lock: queues the events and turns each action into a verdict. A request lets
    /// go of its SYN there and then, and the core hears at once that its connection is the
    /// server's now (accepted) or gone (rejected), which may call for more actions.
    private func conclude(_ output: ProviderOutput, in state: inout State, verdicts: inout [Verdict]) {
        var work = output
        while !work.actions.isEmpty || !work.events.isEmpty || work.unbuiltEvents > 0 {
            events.enqueue(work.events, unbuilt: work.unbuiltEvents)
            var next = ProviderOutput()
            let now = Moment.now
            for case .connection(let id, let action) in work.actions {
                let verdict: GuardVerdict
                switch action {
                case .connectUpstream: verdict = .accept
                case .reject: verdict = rejectWith == .drop ? .drop : .refuse
                case .close: verdict = .drop
                case .stripProxyHeader: continue
                }
                if let packet = state.held.release(id, verdict: verdict, at: now) {
                    verdicts.append(Verdict(packet: packet, verdict: verdict))
                }
                if verdict == .accept {
                    next.append(contentsOf: (try? state.core.upstreamConnected(id, at: now)) ?? ProviderOutput())
                }
                next.append(contentsOf: state.core.connectionClosed(id, at: now))
            }
            work = next
        }
    }

    private func deliver(_ verdicts: [Verdict]) {
        events.deliver()
        for verdict in verdicts { send(verdict) }
    }
}
