/// A request as one usher hands it to the next on a restart: everything the core knows of it,
/// so that the next one goes on where this one stopped (same ID, arrival, caller data,
/// outcomes, deadline).
public struct HandedOverRequest: Hashable, Sendable, Codable {
    public var id: UInt64
    /// The listener's index in the usher that hands it over.
    public var listener: Int
    public var peer: Endpoint
    public var local: Endpoint
    public var arrivedAt: Moment
    public var callerData: [UInt8]
    public var callerTotal: Int
    public var state: RequestState
    public var outcomes: [ConditionOutcome]
    public var timeoutDeadline: Moment?
    public var decider: Decider?
    public var callerFinishedSending: Bool
    public var source: String
    public var proxyProtocol: ProxyProtocolState?
    /// A rule waited for its caller data (within the inspect delay).
    public var waitingForRules: Bool
}

/// What the core of one usher hands to the next on a restart, besides the requests: where the
/// request IDs are, and the counters (each listener's by its name).
public struct CoreHandOver: Hashable, Sendable, Codable {
    public var lastSequence: UInt64
    public var counters: Counters
    public var listenerCounters: [String: Counters]

    public init(lastSequence: UInt64, counters: Counters, listenerCounters: [String: Counters]) {
        self.lastSequence = lastSequence
        self.counters = counters
        self.listenerCounters = listenerCounters
    }
}

extension ProviderCore {
    // MARK: Handing over

    /// The request `id` (pending or proxied) as a record for the next usher; `nil` when it is
    /// neither.
    public func record(of id: RequestID) -> HandedOverRequest? {
        guard let request = live[id] ?? openConnections[id]?.proxied else { return nil }
        let data = request.callerData
        return HandedOverRequest(
            id: id.sequence, listener: request.listener.index, peer: request.peer, local: request.local, arrivedAt: request.arrivedAt,
            callerData: data.bytes, callerTotal: data.totalCount, state: request.state, outcomes: request.outcomes,
            timeoutDeadline: request.timeoutDeadline, decider: request.decider, callerFinishedSending: request.callerFinishedSending,
            source: request.source, proxyProtocol: request.proxyProtocol, waitingForRules: request.isWaitingForRules)
    }

    /// The sequence of IDs and the counters, each listener's by `names`.
    public func handOverSummary(names: (ListenerID) -> String) -> CoreHandOver {
        var byName: [String: Counters] = [:]
        for listener in listeners { byName[names(listener.id)] = listener.counters }
        return CoreHandOver(lastSequence: lastSequence, counters: counters, listenerCounters: byName)
    }

    /// Lets go of requests handed to the next usher: they leave without an event, and neither
    /// they nor their connections are counted here any more (the next usher counts them).
    public mutating func forgetHandedOver(_ ids: [RequestID]) {
        for id in ids {
            if let request = live.removeValue(forKey: id) {
                counters.pending -= 1
                counters.arrived -= 1
                listeners[request.listener.index].counters.pending -= 1
                listeners[request.listener.index].counters.arrived -= 1
            }
            if let connection = openConnections.removeValue(forKey: id) { countConnection(from: connection.source, by: -1) }
        }
    }

    // MARK: Taking over

    /// Goes on from where the previous usher stopped: its counters (each listener's by the name
    /// `names` gives the listener here; `nil` keeps the listener's own), its IDs, and `pending` and `proxied` requests with their
    /// deadlines. `listener` maps a record's listener index to the listener here. Requests that
    /// were in the queue and are not handed over (they finish in the previous usher) leave the
    /// counters as if they had not arrived.
    public mutating func adopt(
        _ handOver: CoreHandOver, pending: [HandedOverRequest], proxied: [HandedOverRequest], listener: (Int) -> ListenerID,
        names: (ListenerID) -> String?, at now: Moment
    ) {
        lastSequence = max(lastSequence, handOver.lastSequence)
        counters = handOver.counters
        for index in listeners.indices {
            guard let name = names(ListenerID(index)) else { continue }
            listeners[index].counters = handOver.listenerCounters[name] ?? Counters()
        }
        for record in pending {
            let request = adoptedRequest(record, on: listener(record.listener))
            live[request.id] = request
            openConnections[request.id] = OpenConnection(source: request.source)
            countConnection(from: request.source, by: 1)
            scheduleDeadlines(of: request, at: now)
        }
        for record in proxied {
            let request = adoptedRequest(record, on: listener(record.listener))
            openConnections[request.id] = OpenConnection(source: request.source, proxied: request)
            countConnection(from: request.source, by: 1)
        }
        settlePendingCounters()
    }

    private func adoptedRequest(_ record: HandedOverRequest, on listener: ListenerID) -> Request {
        var request = Request(id: RequestID(record.id), listener: listener, peer: record.peer, local: record.local, arrivedAt: record.arrivedAt)
        var data = CallerData(bytes: record.callerData)
        data.count(record.callerTotal - data.totalCount)
        request.callerData = data
        request.state = record.state
        request.outcomes = record.outcomes
        request.timeoutDeadline = record.timeoutDeadline
        request.decider = record.decider
        request.callerFinishedSending = record.callerFinishedSending
        request.source = record.source
        request.proxyProtocol = record.proxyProtocol
        if record.waitingForRules {
            request.ruleStanding = RuleStanding(
                waiting: true, decided: false, outcomeCount: record.outcomes.count, evaluatedBytes: data.bytes.count,
                facts: data.facts, tally: RequestTally())
        }
        return request
    }

    /// The timers of an adopted request, as they were.
    private mutating func scheduleDeadlines(of request: Request, at now: Moment) {
        if let timeout = request.timeoutDeadline { deadlines.insert(Deadline(at: timeout, id: request.id, kind: .timeout)) }
        if case .deferred(let until) = request.state { deadlines.insert(Deadline(at: until, id: request.id, kind: .deferralEnd)) }
        if request.isWaitingForRules {
            deadlines.insert(Deadline(at: max(now, request.arrivedAt + rules(for: request.listener).inspectDelay), id: request.id, kind: .inspectEnd))
        }
        if request.isAwaitingProxyHeader {
            deadlines.insert(Deadline(at: now + configuration.proxyHeaderTimeout, id: request.id, kind: .proxyHeaderEnd))
        }
    }

    /// Makes each `pending` counter the requests in the queue here (those the previous usher
    /// kept are taken out of `arrived` too, so that the counters still add up).
    private mutating func settlePendingCounters() {
        var byListener: [Int: Int] = [:]
        for request in live.values { byListener[request.listener.index, default: 0] += 1 }
        for index in listeners.indices {
            let kept = listeners[index].counters.pending - (byListener[index] ?? 0)
            listeners[index].counters.pending -= kept
            listeners[index].counters.arrived -= kept
        }
        let kept = counters.pending - live.count
        counters.pending -= kept
        counters.arrived -= kept
    }
}
