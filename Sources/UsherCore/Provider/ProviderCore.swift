import DequeModule
import HeapModule

/// The provider core: the pending queues of all gated listeners and the lifecycle of every
/// request, as a sans-IO state machine.
///
/// The IO layer calls in with what happened (a connection arrived, an operator decided, the
/// client went away, the upstream answered, time passed) and the current ``Moment``; each call
/// returns a ``ProviderOutput`` with the ``GateAction``s to execute and the ``ProviderEvent``s
/// to publish. Nothing here touches a socket or a clock.
public struct ProviderCore: Sendable {
    /// Policy, timeouts and limits.
    public internal(set) var configuration: ProviderConfiguration
    /// The configuration each listener decides by: ``configuration`` with the listener's
    /// overrides, by ``ListenerID`` index.
    public internal(set) var listenerConfigurations: [ProviderConfiguration]
    /// What each listener decides differently, by ``ListenerID`` index (applied again when the
    /// configuration is reloaded).
    var listenerOverrides: [ListenerOverrides]
    /// Every gated listener, by ``ListenerID`` index.
    public internal(set) var listeners: [ListenerStatus]
    /// Totals over all listeners.
    public internal(set) var counters = Counters()
    /// `true` once ``shutDown(at:)`` was called.
    public private(set) var isShuttingDown = false

    /// The rules file's rules, tested after the remembered decisions.
    public internal(set) var rules: RuleSet {
        didSet { countSourcesIfNeeded() }
    }
    /// The rules of listeners that have a rules file of their own, tested instead of ``rules``
    /// for their requests.
    public internal(set) var listenerRules: [ListenerID: RuleSet] = [:] {
        didSet { countSourcesIfNeeded() }
    }
    /// Decisions operators asked usher to remember, tested first.
    public internal(set) var remembered: RuleSet = .empty {
        didSet { countSourcesIfNeeded() }
    }
    /// Counters and rate windows of the rules, by name.
    public internal(set) var ruleState = RuleState()
    /// The host's local time at a moment, for rules with a `time` window.
    let localTime: @Sendable (Moment) -> LocalTime
    /// The request events observers need now (the IO layer says so before each step): the
    /// others are only counted, in ``ProviderOutput/unbuiltEvents``, so that a gate nobody
    /// watches closely builds no event per request, and its requests are not shared with one.
    public var eventInterest: EventInterest = .all

    var live: [RequestID: Request] = [:]
    /// Every arrived request whose client connection the IO layer has not reported closed.
    var openConnections: [RequestID: OpenConnection] = [:]
    /// Open client connections per source address, for `concurrent` rules: kept while some
    /// rule has one (``countsSources``), counted again from `openConnections` when one comes.
    var connectionsBySource: [String: Int] = [:]
    /// Some rule counts connections per source: ``connectionsBySource`` is kept.
    private(set) var countsSources = false
    var deadlines = DeadlineQueue()
    private var finished: FinishedRequests
    var lastSequence: UInt64 = 0

    /// - Parameters:
    ///   - configuration: policy, timeouts and limits.
    ///   - listeners: the gated listeners; they get IDs `0..<listeners.count`.
    ///   - history: how many finished requests are remembered for late look-ups.
    ///   - rules: the rules file's rules; none leaves every request to the policy.
    ///   - localTime: the host's local time at a moment (the IO layer reads the wall clock).
    public init(
        configuration: ProviderConfiguration, listeners: [ListenerConfiguration], history: Int = 4096,
        rules: RuleSet = .empty, localTime: @escaping @Sendable (Moment) -> LocalTime = { _ in LocalTime(weekday: 1, minuteOfDay: 0) }
    ) {
        self.configuration = configuration
        self.rules = rules
        self.localTime = localTime
        let gated = listeners.isEmpty ? [.standard] : listeners
        let settings = gated.map { $0.overrides.applied(to: configuration) }
        self.listenerConfigurations = settings
        self.listenerOverrides = gated.map(\.overrides)
        self.listeners = gated.enumerated().map { index, listener in
            ListenerStatus(id: ListenerID(index), endpoint: listener.endpoint, limit: settings[index].maxPending)
        }
        self.finished = FinishedRequests(capacity: history)
        countSourcesIfNeeded()
    }

    /// Starts counting connections per source when a rule comes that needs it (from the open
    /// connections), and stops when none is left: a gate without such rules hashes no address
    /// per connection.
    private mutating func countSourcesIfNeeded() {
        let needed = rules.countsConnections || remembered.countsConnections || listenerRules.values.contains { $0.countsConnections }
        guard needed != countsSources else { return }
        countsSources = needed
        connectionsBySource = needed ? openConnections.values.reduce(into: [:]) { $0[$1.source, default: 0] += 1 } : [:]
    }

    /// Counts an open connection under `source` (`by` 1), or stops counting it (`by` -1).
    mutating func countConnection(from source: String, by change: Int) {
        guard countsSources else { return }
        let count = (connectionsBySource[source] ?? 0) + change
        connectionsBySource[source] = count > 0 ? count : nil
    }

    /// Records where a listener is bound (its port, when the configuration asked for port 0) and
    /// the backlog its socket got.
    public mutating func listener(_ id: ListenerID, isBoundTo endpoint: Endpoint, backlog: Int? = nil) {
        guard listeners.indices.contains(id.index) else { return }
        listeners[id.index].endpoint = endpoint
        listeners[id.index].kernelBacklog = backlog
    }

    // MARK: Queries

    /// The configuration `listener` decides by (its overrides applied).
    public func configuration(for listener: ListenerID) -> ProviderConfiguration {
        listenerConfigurations.indices.contains(listener.index) ? listenerConfigurations[listener.index] : configuration
    }

    /// The requests in the queue (pending, deferred, admitting), oldest first.
    public var pendingRequests: [Request] { live.values.sorted { $0.id < $1.id } }

    /// A request in the queue or recently finished.
    public func request(_ id: RequestID) -> Request? { live[id] ?? finished[id] }

    /// Client connections held now, pending or proxied.
    public var connectionCount: Int { openConnections.count }

    /// The limit that stops `listener` from taking connections now, if any.
    public func admissionLimit(for listener: ListenerID) -> AdmissionLimit? {
        if listeners[listener.index].isFull || listeners[listener.index].isClosed { return .pendingQueue }
        if let maxConnections = configuration.maxConnections, openConnections.count >= maxConnections {
            return .connections
        }
        return nil
    }

    /// How many timers are armed (some may be stale until they are dropped).
    var timerCount: Int { deadlines.count }

    /// When ``advance(to:)`` next has work to do.
    public var nextDeadline: Moment? { deadlines.next?.at }

    // MARK: Arrivals

    /// Offers a connection the kernel completed on `listener`.
    ///
    /// While shutting down, nothing is parked: every arrival is queued and gets the timeout action.
    public mutating func arrive(
        on listener: ListenerID, peer: Endpoint, local: Endpoint, at now: Moment
    ) -> (ArrivalOutcome, ProviderOutput) {
        var output = ProviderOutput()
        let full = admissionLimit(for: listener) != nil
        if full && configuration.overflow == .pause && !isShuttingDown {
            pauseIfNeeded(listener, at: now, into: &output)
            return (.parked, output)
        }
        lastSequence += 1
        var request = Request(
            id: RequestID(lastSequence), listener: listener, peer: peer, local: local, arrivedAt: now)
        openConnections[request.id] = OpenConnection(source: peer.host)
        countConnection(from: peer.host, by: 1)
        if full && configuration.overflow == .reset {
            overflow(&request, at: now, into: &output)
            return (.overflowed(request.id), output)
        }
        queue(&request, at: now, into: &output)
        return (.queued(request.id), output)
    }

    private mutating func overflow(_ request: inout Request, at now: Moment, into output: inout ProviderOutput) {
        request.record(event: .overflow, decider: .overflow)
        request.outcomes.append(ConditionOutcome(
            condition: "overflow", verdict: .decided(.reject(.reset)),
            reason: overflowReason(for: request.listener), at: now))
        counters.recordOverflow()
        listeners[request.listener.index].counters.recordOverflow()
        request.finishedAt = now
        finished.insert(request)
        output.actions.append(.connection(request.id, .reject(.reset)))
        publish(.overflowed, request, at: now, into: &output)
    }

    private func overflowReason(for listener: ListenerID) -> String {
        switch admissionLimit(for: listener) {
        case .connections: "connection limit reached (\(configuration.maxConnections ?? 0))"
        case .pendingQueue, nil: "pending queue full (\(listeners[listener.index].limit))"
        }
    }

    private mutating func queue(_ request: inout Request, at now: Moment, into output: inout ProviderOutput) {
        // Arrived, evaluated and often decided: room for them at once, not grown one by one.
        if !eventInterest.isEmpty { output.events.reserveCapacity(4) }
        request.record(event: .queue, decider: nil)
        if let timeout = configuration(for: request.listener).pendingTimeout {
            let deadline = now + timeout
            request.timeoutDeadline = deadline
            deadlines.insert(Deadline(at: deadline, id: request.id, kind: .timeout))
        }
        let awaitsHeader = awaitProxyHeader(&request, at: now)
        counters.recordQueued()
        listeners[request.listener.index].counters.recordQueued()
        publish(.arrived, request, at: now, into: &output)
        pauseIfNeeded(request.listener, at: now, into: &output)
        if isShuttingDown {
            applyTimeout(&request, by: .shutdown, at: now, into: &output)
        } else if !awaitsHeader {
            evaluateConditions(&request, at: now, into: &output)
        }
        putBack(request)
        let requests = live
        deadlines.dropStale { Self.isCurrent($0, in: requests) }
    }

    // MARK: Decisions

    /// An operator (or a rule) decides a request that is pending or deferred.
    ///
    /// With `extendingTimeout`, a deferral also moves the pending timeout back by its length, so
    /// that the request has the time it had left when the deferral ends.
    public mutating func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String? = nil,
        extendingTimeout: Bool = false, at now: Moment
    ) throws(LifecycleError) -> ProviderOutput {
        var request = try takeLive(id)
        defer { putBack(request) }
        guard request.state.isUndecided else {
            if case .admitting = request.state { throw .alreadyDecided(id, request.state, by: request.decider) }
            throw .illegalTransition(id, from: request.state, event: decision.lifecycleEvent(at: now))
        }
        if request.isAwaitingProxyHeader {
            guard case .reject = decision else { throw .awaitingProxyHeader(id) }
        }
        if extendingTimeout, case .deferral(let duration) = decision, let deadline = request.timeoutDeadline {
            request.timeoutDeadline = deadline + duration
            deadlines.insert(Deadline(at: deadline + duration, id: id, kind: .timeout))
        }
        var output = ProviderOutput()
        let outcome = ConditionOutcome(
            condition: decider.conditionName, verdict: .decided(decision),
            reason: reason ?? decider.description, at: now)
        record(outcome, in: &request, into: &output)
        apply(decision, to: &request, by: decider, at: now, into: &output)
        return output
    }

    /// Caller data arrived for a queued request. The output has a `callerData` event while the
    /// captured bytes grow (up to ``CallerData/capacity``), so that watchers see what was sent.
    /// Bytes that arrive once the request is decided are only counted: nothing decides on them,
    /// and the IO layer forwards them.
    public mutating func received(
        _ bytes: some Collection<UInt8>, for id: RequestID, at now: Moment
    ) throws(LifecycleError) -> ProviderOutput {
        var request = try takeLive(id)
        defer { putBack(request) }
        let before = request.callerData.bytes.count
        guard request.state.isUndecided || request.isAwaitingProxyHeader else {
            request.callerData.count(bytes.count)
            return ProviderOutput()
        }
        request.callerData.append(bytes)
        var output = ProviderOutput()
        if request.isAwaitingProxyHeader {
            readProxyHeader(&request, at: now, into: &output)
            return output
        }
        if request.callerData.bytes.count > before, request.state.isUndecided {
            publish(.callerData, request, at: now, into: &output)
            if needsEvaluation(request) { evaluateConditions(&request, at: now, into: &output) }
        }
        return output
    }

    /// The client stopped sending (a FIN). A request being accepted keeps its client, which waits
    /// for the answer, and so does an undecided one with ``HalfClosePolicy/keep``: the IO layer
    /// passes the half-close on to the upstream after the caller data. An undecided one with
    /// ``HalfClosePolicy/withdraw`` was withdrawn: the output closes the connection. A request
    /// already finished has its action under way, which ends the connection.
    public mutating func callerFinishedSending(_ id: RequestID, at now: Moment) -> ProviderOutput {
        guard var request = live.removeValue(forKey: id) else { return ProviderOutput() }
        defer { putBack(request) }
        var output = ProviderOutput()
        switch (request.state, configuration.halfClose) {
        case (.pending, .withdraw), (.deferred, .withdraw):
            try? withdraw(&request, at: now, into: &output)
            output.actions.append(.connection(id, .close))
        default:
            request.callerFinishedSending = true
            if request.isAwaitingProxyHeader {
                refuseProxyHeader(&request, reason: "the proxy stopped sending before a complete PROXY header", at: now, into: &output)
            } else if request.isWaitingForRules {
                evaluateConditions(&request, at: now, into: &output)
            }
        }
        return output
    }

    /// The IO layer closed a client connection, for whatever reason. A request still pending was
    /// withdrawn by its client; either way the connection no longer counts against
    /// `maxConnections`. `transferred`: what the proxied connection of an accepted request
    /// carried, published as its `closed` event.
    public mutating func connectionClosed(_ id: RequestID, transferred: Transferred? = nil, at now: Moment) -> ProviderOutput {
        var output = ProviderOutput()
        if var request = live.removeValue(forKey: id) {
            try? withdraw(&request, at: now, into: &output)
            putBack(request)
        }
        if let connection = openConnections.removeValue(forKey: id) {
            if let transferred, let request = connection.proxied {
                publish(.closed(transferred), request, at: now, into: &output)
            }
            countConnection(from: connection.source, by: -1)
            for index in listeners.indices {
                resumeIfRoom(ListenerID(index), at: now, into: &output)
            }
        }
        return output
    }

    /// The client closed or reset the connection. A deferral is not a decision: the client,
    /// not whoever deferred it, ended a deferred request (an accepted one keeps its decider).
    public mutating func withdraw(_ id: RequestID, at now: Moment) throws(LifecycleError) -> ProviderOutput {
        var request = try takeLive(id)
        defer { putBack(request) }
        var output = ProviderOutput()
        try withdraw(&request, at: now, into: &output)
        return output
    }

    private mutating func withdraw(
        _ request: inout Request, at now: Moment, into output: inout ProviderOutput
    ) throws(LifecycleError) {
        let wasDeferred = if case .deferred = request.state { true } else { false }
        try request.apply(.withdraw)
        if wasDeferred { request.decider = nil }
        finish(&request, kind: .withdrawn, at: now, into: &output)
    }

    /// The upstream connection of an admitting request is up.
    public mutating func upstreamConnected(_ id: RequestID, at now: Moment) throws(LifecycleError) -> ProviderOutput {
        var request = try takeLive(id)
        defer { putBack(request) }
        try request.apply(.upstreamConnected)
        var output = ProviderOutput()
        let kind: RequestEvent.Kind = request.state == .accepted ? .accepted : .expired(.accept)
        finish(&request, kind: kind, at: now, into: &output)
        // Kept with its connection until that closes, however long (the history of finished
        // requests may let go of it first): its `closed` event shows it.
        if let index = openConnections.index(forKey: id) { openConnections.values[index].proxied = request }
        return output
    }

    /// The upstream of an admitting request could not be reached: the request is rejected.
    public mutating func upstreamFailed(
        _ id: RequestID, reason: String, at now: Moment
    ) throws(LifecycleError) -> ProviderOutput {
        var request = try takeLive(id)
        defer { putBack(request) }
        try request.apply(.upstreamFailed)
        request.decider = .upstream
        request.outcomes.append(ConditionOutcome(
            condition: "upstream", verdict: .decided(.reject(.close)), reason: reason, at: now))
        var output = ProviderOutput()
        output.actions.append(.connection(id, .reject(.close)))
        finish(&request, kind: .rejected(.close), at: now, into: &output)
        return output
    }

    // MARK: Time

    /// Fires every timer due at `now`: pending timeouts and ends of deferrals.
    public mutating func advance(to now: Moment) -> ProviderOutput {
        var output = ProviderOutput()
        while let due = deadlines.popDue(at: now) {
            fire(due, at: now, into: &output)
        }
        return output
    }

    private mutating func fire(_ due: Deadline, at now: Moment, into output: inout ProviderOutput) {
        guard var request = live.removeValue(forKey: due.id) else { return }
        defer { putBack(request) }
        switch (due.kind, request.state) {
        case (.timeout, .pending) where request.timeoutDeadline == due.at:
            applyTimeout(&request, by: .timeout, at: now, into: &output)
        case (.inspectEnd, .pending) where request.isWaitingForRules:
            evaluateConditions(&request, at: now, into: &output)
        case (.proxyHeaderEnd, .pending) where request.isAwaitingProxyHeader:
            proxyHeaderTimedOut(&request, at: now, into: &output)
        case (.deferralEnd, .deferred(let until)) where until == due.at:
            if let timeout = request.timeoutDeadline, timeout <= now {
                applyTimeout(&request, by: .timeout, at: now, into: &output)
            } else {
                request.decider = nil  // pending again: nobody has decided
                transition(&request, .deferralEnded, at: now, event: .undeferred, into: &output)
            }
        default:
            break  // a stale timer: the request moved on since it was set
        }
    }

    // MARK: Shutdown

    /// Starts a graceful stop: every undecided request gets the timeout action now, and so does
    /// every later arrival.
    public mutating func shutDown(at now: Moment) -> ProviderOutput {
        isShuttingDown = true
        var output = ProviderOutput()
        for request in pendingRequests where request.state.isUndecided {
            changeLive(request.id) { core, request in core.applyTimeout(&request, by: .shutdown, at: now, into: &output) }
        }
        return output
    }

    // MARK: Steps

    /// `true` while a timer still matters: its request waits and the timer is the one it set.
    private static func isCurrent(_ deadline: Deadline, in live: [RequestID: Request]) -> Bool {
        guard let request = live[deadline.id] else { return false }
        switch (deadline.kind, request.state) {
        case (.timeout, .pending), (.timeout, .deferred): return request.timeoutDeadline == deadline.at
        case (.deferralEnd, .deferred(let until)): return until == deadline.at
        case (.inspectEnd, .pending): return request.isWaitingForRules
        case (.proxyHeaderEnd, .pending): return request.isAwaitingProxyHeader
        default: return false
        }
    }

    /// Takes a request out of the queue to change it: changed in place (no copy of what it
    /// holds), it costs one look-up to take and one to put back (``putBack(_:)``), however many
    /// steps change it. Throws when it is not in the queue.
    private mutating func takeLive(_ id: RequestID) throws(LifecycleError) -> Request {
        if let request = live.removeValue(forKey: id) { return request }
        if let done = finished[id] { throw .alreadyDecided(id, done.state, by: done.decider) }
        throw .unknownRequest(id)
    }

    /// Puts a request taken out of the queue back, unless it has finished (then it is among the
    /// finished ones already).
    mutating func putBack(_ request: Request) {
        if !request.state.isFinished { live[request.id] = request }
    }

    /// Takes a request out of the queue, changes it, and puts it back; nothing when it is not
    /// in the queue.
    mutating func changeLive(_ id: RequestID, _ change: (inout ProviderCore, inout Request) -> Void) {
        guard var request = live.removeValue(forKey: id) else { return }
        change(&self, &request)
        putBack(request)
    }

    /// Adds a request event to the output when observers need its kind; only counts it otherwise.
    func publish(_ kind: RequestEvent.Kind, _ request: Request, at now: Moment, into output: inout ProviderOutput) {
        if !eventInterest.isDisjoint(with: RequestEvent.interest(of: kind, request)) {
            output.events.append(.request(RequestEvent(kind: kind, request: request, at: now)))
        } else {
            output.unbuiltEvents += 1
        }
    }

    mutating func record(_ outcome: ConditionOutcome, in request: inout Request, into output: inout ProviderOutput) {
        request.outcomes.append(outcome)
        publish(.evaluated, request, at: outcome.at, into: &output)
    }

    mutating func apply(
        _ decision: Decision, to request: inout Request, by decider: Decider, at now: Moment, into output: inout ProviderOutput
    ) {
        request.decider = decider
        switch decision {
        case .accept:
            transition(&request, .accept, at: now, event: nil, into: &output)
            output.actions.append(.connection(request.id, .connectUpstream))
        case .reject(let rejection):
            output.actions.append(.connection(request.id, .reject(rejection)))
            transition(&request, .reject(rejection.mode), at: now, event: .rejected(rejection.mode), into: &output)
        case .deferral(let duration):
            let until = now + duration
            deadlines.insert(Deadline(at: until, id: request.id, kind: .deferralEnd))
            transition(&request, .deferral(until: until), at: now, event: .deferred(until: until), into: &output)
        }
    }

    private mutating func applyTimeout(
        _ request: inout Request, by decider: Decider, at now: Moment, into output: inout ProviderOutput
    ) {
        // A request still awaiting its PROXY header has nothing an upstream may see: it is closed.
        let settings = configuration(for: request.listener)
        let action = request.isAwaitingProxyHeader ? .reject : settings.timeoutAction
        let rejection = request.isAwaitingProxyHeader ? .close : settings.defaultRejection
        let decision: Decision = action == .accept ? .accept : .reject(rejection)
        let waited = DurationText.format(request.age(at: now))
        let reason = decider == .shutdown ? "usher is stopping" : "pending \(waited) without a decision"
        record(ConditionOutcome(condition: decider.conditionName, verdict: .decided(decision), reason: reason, at: now),
               in: &request, into: &output)
        request.decider = decider
        switch action {
        case .accept:
            transition(&request, .timeout(.accept), at: now, event: nil, into: &output)
            output.actions.append(.connection(request.id, .connectUpstream))
        case .reject:
            output.actions.append(.connection(request.id, .reject(rejection)))
            transition(&request, .timeout(.reject), at: now, event: .expired(.reject), into: &output)
        }
    }

    /// Applies an event the core itself chose (so it is legal) to a request taken out of the
    /// queue, then finishes it or publishes `event`.
    private mutating func transition(
        _ request: inout Request, _ lifecycleEvent: LifecycleEvent, at now: Moment,
        event: RequestEvent.Kind?, into output: inout ProviderOutput
    ) {
        request.record(event: lifecycleEvent, decider: request.decider)
        if request.state.isFinished {
            finish(&request, kind: event, at: now, into: &output)
        } else if let event {
            publish(event, request, at: now, into: &output)
        }
    }

    /// Records a request taken out of the queue as finished (``putBack(_:)`` leaves it out).
    private mutating func finish(
        _ request: inout Request, kind: RequestEvent.Kind?, at now: Moment, into output: inout ProviderOutput
    ) {
        request.finishedAt = now
        finished.insert(request)
        counters.recordFinished(request.state)
        listeners[request.listener.index].counters.recordFinished(request.state)
        if let kind { publish(kind, request, at: now, into: &output) }
        resumeIfRoom(request.listener, at: now, into: &output)
    }

    private mutating func pauseIfNeeded(_ listener: ListenerID, at now: Moment, into output: inout ProviderOutput) {
        guard configuration.overflow == .pause, !listeners[listener.index].isPaused,
              let limit = admissionLimit(for: listener)
        else { return }
        listeners[listener.index].isPaused = true
        output.actions.append(.listener(listener, .pauseAccepting))
        output.events.append(.listener(listenerEvent(.paused(limit), listener, at: now)))
    }

    mutating func resumeIfRoom(_ listener: ListenerID, at now: Moment, into output: inout ProviderOutput) {
        guard listeners[listener.index].isPaused, admissionLimit(for: listener) == nil else { return }
        listeners[listener.index].isPaused = false
        output.actions.append(.listener(listener, .resumeAccepting))
        output.events.append(.listener(listenerEvent(.resumed, listener, at: now)))
    }

    private func listenerEvent(_ kind: ListenerEvent.Kind, _ listener: ListenerID, at now: Moment) -> ListenerEvent {
        ListenerEvent(
            kind: kind, status: listeners[listener.index], connections: openConnections.count,
            maxConnections: configuration.maxConnections, at: now)
    }
}

extension Request {
    /// Applies an event the core chose itself; an illegal one is a bug in the core, caught in debug
    /// builds and ignored (state unchanged) in release builds.
    mutating func record(event: LifecycleEvent, decider: Decider?) {
        do {
            try apply(event)
            self.decider = decider
        } catch {
            assertionFailure("core chose an illegal transition: \(error)")
        }
    }
}

extension Decision {
    func lifecycleEvent(at now: Moment) -> LifecycleEvent {
        switch self {
        case .accept: .accept
        case .reject(let rejection): .reject(rejection.mode)
        case .deferral(let duration): .deferral(until: now + duration)
        }
    }
}

/// A client connection the IO layer holds: where it comes from, and, once its request was
/// accepted, the request (for the `closed` event that ends the proxied connection).
struct OpenConnection: Sendable {
    var source: String
    var proxied: Request?
}
