#if canImport(Glibc)
import Glibc
#endif
import UsherCore
import UsherWire

/// The operations of the control protocol, carried out on a running ``Provider`` (the gate, or a
/// guard); the socket server and in-process clients share it.
public final class ControlService: Sendable {
    public let provider: any Provider
    /// usher's version, for `hello`.
    public let version: String
    /// The host's listeners, when the host is sampled.
    public let host: (any HostListenerFeed)?
    /// Reloads the rules file and keeps remembered decisions in theirs, when the daemon has them.
    public let rulesKeeper: (any RulesKeeper)?
    /// The daemon's notices and alerts, told to every subscriber.
    public let notices: NoticeBoard
    /// The daemon's journal, when it keeps one.
    public let journal: (any JournalPages)?
    let startedAt: Moment
    let pid: Int32
    /// The configuration file the daemon reads again on SIGHUP, if any.
    public let configurationFile: String?

    public init(
        provider: any Provider, version: String, host: (any HostListenerFeed)? = nil, rulesKeeper: (any RulesKeeper)? = nil,
        notices: NoticeBoard = NoticeBoard(), journal: (any JournalPages)? = nil, configurationFile: String? = nil
    ) {
        self.configurationFile = configurationFile
        self.provider = provider
        self.version = version
        self.host = host
        self.rulesKeeper = rulesKeeper
        self.notices = notices
        self.journal = journal
        self.startedAt = .now
        self.pid = getpid()
    }

    public func hello(role: Role) -> WireHello {
        WireHello(
            protocol: ControlProtocol.version, version: version, pid: pid,
            uptimeMs: WireClock.milliseconds(from: startedAt, to: .now), role: role, configurationFile: configurationFile)
    }

    /// Listeners, counters and pending requests; `host` adds every TCP listener of the host.
    public func snapshot(host includingHost: Bool = false) -> WireSnapshot {
        let snapshot = provider.snapshot(includingPending: true)
        let clock = WireClock(now: snapshot.at)
        var wire = WireSnapshot(
            snapshot, startedAt: startedAt, maxConnections: provider.providerConfiguration.maxConnections, clock: clock)
        wire.listeners = wireListeners(snapshot.listeners)
        if includingHost { wire.host = host?.latest(history: true) }
        let alerts = notices.alerts
        wire.alerts = alerts.isEmpty ? nil : alerts
        return wire
    }

    /// The gated listeners on the wire, each with the depth of its kernel accept queue when the
    /// host is sampled.
    private func wireListeners(_ statuses: [ListenerStatus]) -> [WireListener] {
        statuses.map { status in
            var listener = WireListener(status)
            let queue = host?.kernelQueue(of: status.endpoint)
            listener.kernelDepth = queue?.depth
            listener.backlog = listener.backlog ?? queue?.limit
            return listener
        }
    }

    /// A `host` event: the host's listeners at a sample.
    func hostEvent(_ host: WireHost) -> WireEvent {
        WireEvent(seq: nil, at: host.at, detail: .host(host))
    }

    /// The provider's statistics with the control plane's own numbers.
    public func stats(controlClients: Int, subscribers: Int, eventsMissed: Int) -> WireStats {
        let snapshot = provider.snapshot(includingPending: false)
        return WireStats(
            uptimeMs: WireClock.milliseconds(from: startedAt, to: snapshot.at),
            counters: WireCounters(snapshot.counters), listeners: wireListeners(snapshot.listeners),
            connections: snapshot.connections, maxConnections: provider.providerConfiguration.maxConnections,
            seq: snapshot.lastEventSequence, controlClients: controlClients, subscribers: subscribers,
            eventsMissed: eventsMissed)
    }

    /// Decides every request the operation selects, one at a time; each gets its own result, so
    /// one that was decided meanwhile does not stop the others.
    public func decide(_ operation: DecideOperation, by person: Operator) -> [WireDecision] {
        let pending = operation.remember == nil ? [:] : Dictionary(
            provider.snapshot(includingPending: true).pending.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let results = targets(of: operation).map { id in
            let chosen = decision(for: operation.decision, on: provider.request(id)?.listener)
            do throws(LifecycleError) {
                try provider.decide(id, chosen, by: .operator(person), reason: nil, extendingTimeout: operation.extendsTimeout)
                var result = WireDecision(request: id.description, ok: true, state: Self.stateName(after: chosen))
                if let remember = operation.remember { self.remember(chosen, for: pending[id], remember, into: &result) }
                return result
            } catch {
                refused("\(person) could not \(operation.decision.verb) \(id): \(error.description)")
                return WireDecision(request: id.description, ok: false, error: error.description)
            }
        }
        if results.contains(where: { $0.remembered != nil }) { rulesKeeper?.saveRemembered() }
        return results
    }

    /// Remembers a decision just taken on `request` as a rule, and says so in `result`.
    private func remember(_ decision: Decision, for request: Request?, _ remember: RememberRequest, into result: inout WireDecision) {
        guard let request else {
            result.notRemembered = "\(result.request) was not pending"
            return
        }
        do throws(RememberError) {
            let rule = try Rule.remembering(decision, for: request, scope: remember.scope, duration: remember.duration, at: .now)
            provider.remember(rule)
            result.remembered = rule.name
        } catch {
            result.notRemembered = error.description
        }
    }

    /// The remembered decisions and rules in force, with their counters.
    public func rules() -> WireRules {
        let inForce = provider.rulesInForce()
        let clock = WireClock(now: inForce.at)
        let fallback = inForce.rules.defaultAction.map { "[default] \($0.name)" }
            ?? "--policy \(provider.providerConfiguration.policy.rawValue)"
        func wire(_ set: RuleSet) -> [WireRule] {
            set.rules.filter { $0.isLive(at: inForce.at) }.map { WireRule($0, counters: inForce.counters[$0.name], clock: clock) }
        }
        return WireRules(
            file: rulesKeeper?.file, remembered: wire(inForce.remembered), rules: wire(inForce.rules), fallback: fallback,
            inspectDelayMs: WireClock.milliseconds(from: .zero, to: .zero + inForce.rules.inspectDelay))
    }

    /// Reads the rules file again; a refused file leaves the old rules in force.
    public func reload(applyPending: Bool) -> Result<WireRules, ControlError> {
        guard let rulesKeeper, rulesKeeper.file != nil else {
            return .failure(ControlError(.noSuchRule, "this usher has no rules file to reload; start it with --rules FILE"))
        }
        switch rulesKeeper.reload(applyPending: applyPending) {
        case .success: return .success(rules())
        case .failure(let refusal): return .failure(ControlError(.rulesRefused, refusal.description))
        }
    }

    /// Removes a remembered decision.
    public func forget(_ name: String) -> Result<WireRules, ControlError> {
        guard provider.forget(name) else {
            return .failure(ControlError(.noSuchRule, "no remembered decision named '\(name)'; 'usher rules ls' lists them"))
        }
        rulesKeeper?.saveRemembered()
        return .success(rules())
    }

    /// The IDs named, or the undecided requests the selector matches (among the IDs, if named).
    private func targets(of operation: DecideOperation) -> [RequestID] {
        let named = operation.ids.compactMap(RequestID.init)
        guard let selector = operation.selector else { return named }
        let snapshot = provider.snapshot(includingPending: true)
        let wanted = Set(named)
        return snapshot.pending
            .filter { $0.state.isUndecided && selector.matches($0, listeners: snapshot.listeners) }
            .map(\.id)
            .filter { wanted.isEmpty || wanted.contains($0) }
    }

    /// The decision `request` asks for; a rejection without a message gets the reject message of
    /// the request's listener.
    private func decision(for request: DecisionRequest, on listener: ListenerID?) -> Decision {
        switch request {
        case .accept:
            return .accept
        case .reject(let mode, let message):
            let settings = listener.map { provider.configuration(for: $0) } ?? provider.providerConfiguration
            let standard = settings.defaultRejection.message
            return .reject(Rejection(mode: mode, message: message ?? standard))
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

    /// Tells every subscriber (and the journal) that an operator's request was refused.
    public func refused(_ what: String) {
        notices.post(WireNotice(source: "control", level: .notice, text: what))
    }

    /// A page of the journal; an error when the daemon keeps none.
    public func journalPage(_ request: JournalPageRequest) -> Result<WireJournalPage, ControlError> {
        guard let journal else {
            return .failure(ControlError(.noJournal, "this usher keeps no journal (it runs with --journal none, or could not open it)"))
        }
        return journal.page(request)
    }

    /// The wire form of a provider event.
    func wireEvent(_ event: GateEvent) -> WireEvent {
        WireEvent(event, clock: WireClock(now: .now))
    }

    /// A `stats` tick: counters and listeners now.
    func statsEvent() -> WireEvent {
        let snapshot = provider.snapshot(includingPending: false)
        let tick = WireStatsTick(
            counters: WireCounters(snapshot.counters), listeners: wireListeners(snapshot.listeners),
            connections: snapshot.connections,
            drainingLeftMs: snapshot.drainingUntil.map { WireClock.milliseconds(from: snapshot.at, to: $0) },
            alerts: notices.alerts)
        return WireEvent(seq: nil, at: WireClock(now: snapshot.at).text(snapshot.at), detail: .stats(tick))
    }
}

extension DecisionRequest {
    /// `accept`, `reject`, `defer`: what an operator asked for, in a sentence.
    var verb: String {
        switch self {
        case .accept: "accept"
        case .reject(.reset, _): "reset"
        case .reject: "reject"
        case .deferral: "defer"
        }
    }
}
