import UsherCore

/// One event on the wire: a lifecycle step of a request, a listener pausing or resuming, a
/// periodic `stats` tick, or a sample of the host's listeners.
///
/// ```json
/// {"seq":42,"kind":"rejected","at":"2026-11-25T14:02:13.500Z","mode":"reset","request":{…}}
/// {"seq":43,"kind":"paused","at":"…","limit":"pending_queue","connections":12,"listener":{…}}
/// ```
///
/// What an event carries follows from its kind, so ``Detail`` holds exactly that; on the wire it
/// is one flat object with `seq`, `kind` and `at`.
public struct WireEvent: Hashable, Sendable {
    /// The provider's event sequence number; `nil` for `stats` and `host`, which are not
    /// lifecycle events.
    public var seq: UInt64?
    public var at: String
    public var detail: Detail

    /// What happened.
    public enum Detail: Hashable, Sendable {
        /// A lifecycle step of a request, with the request as it is after the step.
        case request(RequestStep, WireRequest)
        /// usher stopped taking connections from the listener's kernel backlog.
        case paused(WireListener, limit: WireAdmissionLimit, connections: Int)
        /// It takes them again.
        case resumed(WireListener, connections: Int)
        /// Counters and listeners now (sent each second when something changed).
        case stats(WireStatsTick)
        /// The host's listeners at the latest sample, without history (to subscribers that
        /// asked for the host).
        case host(WireHost)
        /// The rules in force changed, or a new rules file was refused.
        case rules(WireRulesChange)
        /// The daemon tells its operators something.
        case notice(WireNotice)
        /// A kind this usher does not know, or a value of a known kind it cannot read.
        case unknown(kind: String)
    }

    public init(seq: UInt64?, at: String, detail: Detail) {
        self.seq = seq
        self.at = at
        self.detail = detail
    }

    public var kind: WireEventKind {
        switch detail {
        case .request(let step, _): step.kind
        case .paused: .paused
        case .resumed: .resumed
        case .stats: .stats
        case .host: .host
        case .rules: .rules
        case .notice: .notice
        case .unknown(let kind): WireEventKind(name: kind)
        }
    }

    /// The request of a request event.
    public var request: WireRequest? {
        if case .request(_, let request) = detail { return request }
        return nil
    }

    /// The listener of a `paused` or `resumed` event.
    public var listener: WireListener? {
        switch detail {
        case .paused(let listener, _, _), .resumed(let listener, _): listener
        default: nil
        }
    }
}

/// A step in a request's lifecycle, with what that step alone carries.
public enum RequestStep: Hashable, Sendable {
    case arrived
    /// The client sent more caller data.
    case data
    /// A condition gave this outcome.
    case outcome(WireOutcome)
    /// The decision is postponed until then.
    case deferred(until: String)
    /// A deferral ran out; the request is pending again.
    case undeferred
    case accepted
    case rejected(RejectMode)
    case withdrawn
    /// The pending timeout (or a graceful stop) took this action.
    case expired(TimeoutAction)
    case overflowed
    /// The proxied connection ended, having carried these bytes to the upstream and to the
    /// client.
    case closed(bytesUp: Int, bytesDown: Int)

    public var kind: WireEventKind {
        switch self {
        case .arrived: .arrived
        case .data: .data
        case .outcome: .outcome
        case .deferred: .deferred
        case .undeferred: .undeferred
        case .accepted: .accepted
        case .rejected: .rejected
        case .withdrawn: .withdrawn
        case .expired: .expired
        case .overflowed: .overflowed
        case .closed: .closed
        }
    }
}

/// Which limit paused a listener.
public enum WireAdmissionLimit: String, Hashable, Sendable, Codable {
    /// `--max-pending` requests wait on the listener.
    case pendingQueue = "pending_queue"
    /// The gate holds `--max-connections` connections.
    case connections

    public init(_ limit: AdmissionLimit) {
        self = limit == .pendingQueue ? .pendingQueue : .connections
    }
}

/// The counters and listeners of a `stats` tick.
public struct WireStatsTick: Hashable, Sendable {
    public var counters: WireCounters
    public var listeners: [WireListener]
    public var connections: Int
    /// While the daemon stops: milliseconds until the connections still open are closed.
    public var drainingLeftMs: Int64?
    /// What is wrong now (the journal cannot write); empty when nothing is.
    public var alerts: [WireAlert]

    public init(
        counters: WireCounters, listeners: [WireListener], connections: Int, drainingLeftMs: Int64? = nil, alerts: [WireAlert] = []
    ) {
        self.counters = counters
        self.listeners = listeners
        self.connections = connections
        self.drainingLeftMs = drainingLeftMs
        self.alerts = alerts
    }
}

extension WireEvent {
    /// The wire form of a provider event.
    public init(_ event: GateEvent, clock: WireClock) {
        switch event.event {
        case .request(let step):
            let request = WireRequest(step.request, clock: clock, at: step.at)
            self.init(seq: event.sequence, at: clock.text(step.at), detail: .request(RequestStep(step, clock: clock), request))
        case .listener(let change):
            let listener = WireListener(change.status)
            let detail: Detail = switch change.kind {
            case .paused(let limit): .paused(listener, limit: WireAdmissionLimit(limit), connections: change.connections)
            case .resumed: .resumed(listener, connections: change.connections)
            }
            self.init(seq: event.sequence, at: clock.text(change.at), detail: detail)
        case .rules(let change):
            self.init(seq: event.sequence, at: clock.text(change.at), detail: .rules(WireRulesChange(change, clock: clock)))
        }
    }
}

extension RequestStep {
    init(_ event: RequestEvent, clock: WireClock) {
        switch event.kind {
        case .arrived: self = .arrived
        case .callerData: self = .data
        case .evaluated:
            if let outcome = event.request.lastOutcome {
                self = .outcome(WireOutcome(outcome, clock: clock))
            } else {
                self = .outcome(WireOutcome(condition: "?", verdict: "?", reason: "", at: clock.text(event.at)))
            }
        case .deferred(let until): self = .deferred(until: clock.text(until))
        case .undeferred: self = .undeferred
        case .accepted: self = .accepted
        case .rejected(let mode): self = .rejected(mode)
        case .withdrawn: self = .withdrawn
        case .expired(let action): self = .expired(action)
        case .overflowed: self = .overflowed
        case .closed(let transferred): self = .closed(bytesUp: transferred.toUpstream, bytesDown: transferred.toClient)
        }
    }
}

// MARK: - The flat JSON form

extension WireEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case seq, kind, at, request, outcome, until, mode, action, listener, limit, connections, counters, listeners, host, rules
        case notice, alerts
        case drainingLeftMs = "draining_left_ms"
        case bytesUp = "bytes_up"
        case bytesDown = "bytes_down"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(seq, forKey: .seq)
        try container.encode(kind.name, forKey: .kind)
        try container.encode(at, forKey: .at)
        switch detail {
        case .request(let step, let request):
            try container.encode(request, forKey: .request)
            switch step {
            case .outcome(let outcome): try container.encode(outcome, forKey: .outcome)
            case .deferred(let until): try container.encode(until, forKey: .until)
            case .rejected(let mode): try container.encode(mode.rawValue, forKey: .mode)
            case .expired(let action): try container.encode(action.rawValue, forKey: .action)
            case .closed(let up, let down):
                try container.encode(up, forKey: .bytesUp)
                try container.encode(down, forKey: .bytesDown)
            case .arrived, .data, .undeferred, .accepted, .withdrawn, .overflowed: break
            }
        case .paused(let listener, let limit, let connections):
            try container.encode(listener, forKey: .listener)
            try container.encode(limit, forKey: .limit)
            try container.encode(connections, forKey: .connections)
        case .resumed(let listener, let connections):
            try container.encode(listener, forKey: .listener)
            try container.encode(connections, forKey: .connections)
        case .stats(let tick):
            try container.encode(tick.counters, forKey: .counters)
            try container.encode(tick.listeners, forKey: .listeners)
            try container.encode(tick.connections, forKey: .connections)
            try container.encodeIfPresent(tick.drainingLeftMs, forKey: .drainingLeftMs)
            if !tick.alerts.isEmpty { try container.encode(tick.alerts, forKey: .alerts) }
        case .host(let host):
            try container.encode(host, forKey: .host)
        case .rules(let change):
            try container.encode(change, forKey: .rules)
        case .notice(let notice):
            try container.encode(notice, forKey: .notice)
        case .unknown:
            break
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decodeIfPresent(UInt64.self, forKey: .seq)
        at = try container.decode(String.self, forKey: .at)
        let name = try container.decode(String.self, forKey: .kind)
        detail = try Self.detail(WireEventKind(name: name), in: container) ?? .unknown(kind: name)
    }

    /// The detail of a known kind; `nil` when a value is one this usher cannot read.
    private static func detail(
        _ kind: WireEventKind, in container: KeyedDecodingContainer<CodingKeys>
    ) throws -> Detail? {
        switch kind {
        case .paused:
            guard let limit = WireAdmissionLimit(rawValue: try container.decode(String.self, forKey: .limit)) else { return nil }
            return .paused(
                try container.decode(WireListener.self, forKey: .listener), limit: limit,
                connections: try container.decode(Int.self, forKey: .connections))
        case .resumed:
            return .resumed(
                try container.decode(WireListener.self, forKey: .listener),
                connections: try container.decode(Int.self, forKey: .connections))
        case .stats:
            return .stats(WireStatsTick(
                counters: try container.decode(WireCounters.self, forKey: .counters),
                listeners: try container.decode([WireListener].self, forKey: .listeners),
                connections: try container.decode(Int.self, forKey: .connections),
                drainingLeftMs: try container.decodeIfPresent(Int64.self, forKey: .drainingLeftMs),
                alerts: try container.decodeIfPresent([WireAlert].self, forKey: .alerts) ?? []))
        case .host:
            return .host(try container.decode(WireHost.self, forKey: .host))
        case .rules:
            return .rules(try container.decode(WireRulesChange.self, forKey: .rules))
        case .notice:
            return .notice(try container.decode(WireNotice.self, forKey: .notice))
        case .unknown:
            return nil
        default:
            guard let step = try step(kind, in: container) else { return nil }
            return .request(step, try container.decode(WireRequest.self, forKey: .request))
        }
    }

    private static func step(_ kind: WireEventKind, in container: KeyedDecodingContainer<CodingKeys>) throws -> RequestStep? {
        switch kind {
        case .arrived: return .arrived
        case .data: return .data
        case .outcome: return .outcome(try container.decode(WireOutcome.self, forKey: .outcome))
        case .deferred: return .deferred(until: try container.decode(String.self, forKey: .until))
        case .undeferred: return .undeferred
        case .accepted: return .accepted
        case .rejected: return RejectMode(rawValue: try container.decode(String.self, forKey: .mode)).map(RequestStep.rejected)
        case .withdrawn: return .withdrawn
        case .expired: return TimeoutAction(rawValue: try container.decode(String.self, forKey: .action)).map(RequestStep.expired)
        case .overflowed: return .overflowed
        case .closed:
            return .closed(
                bytesUp: try container.decode(Int.self, forKey: .bytesUp), bytesDown: try container.decode(Int.self, forKey: .bytesDown))
        case .paused, .resumed, .stats, .host, .rules, .notice, .unknown: return nil
        }
    }
}
