/// Something observers should know: one per lifecycle step of a request, listener changes, and
/// changes of the rules in force.
///
/// Events feed logs, the event stream and the dashboard; they carry a snapshot of the request as
/// it was right after the step.
public enum ProviderEvent: Hashable, Sendable {
    case request(RequestEvent)
    case listener(ListenerEvent)
    case rules(RulesEvent)
}

/// A step in one request's lifecycle.
public struct RequestEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case arrived
        /// The client sent bytes while pending (`request.callerData` holds them).
        case callerData
        /// A condition gave an outcome (the last entry of `request.outcomes`).
        case evaluated
        case deferred(until: Moment)
        /// A deferral ran out; the request is pending again.
        case undeferred
        case accepted
        case rejected(RejectMode)
        case withdrawn
        case expired(TimeoutAction)
        case overflowed
        /// The proxied connection of an accepted request ended, having carried this much (the
        /// request finished before, when its upstream connected).
        case closed(Transferred)
    }

    public var kind: Kind
    public var request: Request
    public var at: Moment

    public init(kind: Kind, request: Request, at: Moment) {
        self.kind = kind
        self.request = request
        self.at = at
    }
}

/// A change in a listener's admission, with the listener's status after it.
public struct ListenerEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// usher stopped accepting from the kernel backlog, for this reason.
        case paused(AdmissionLimit)
        /// There is room again.
        case resumed
    }

    public var kind: Kind
    /// The listener right after the change: its pending count, limit, counters, pause.
    public var status: ListenerStatus
    /// Client connections held over all listeners, and `--max-connections`.
    public var connections: Int
    public var maxConnections: Int?
    public var at: Moment

    public init(kind: Kind, status: ListenerStatus, connections: Int, maxConnections: Int?, at: Moment) {
        self.kind = kind
        self.status = status
        self.connections = connections
        self.maxConnections = maxConnections
        self.at = at
    }

    /// The listener that changed.
    public var listener: ListenerID { status.id }
}

/// Which limit stops a listener from taking more connections.
public enum AdmissionLimit: Hashable, Sendable {
    /// The listener's pending queue is full (`--max-pending`).
    case pendingQueue
    /// The gate holds as many connections as it may (`--max-connections`).
    case connections
}

extension RequestEvent.Kind {
    /// The event's name in logs and on the wire: `arrived`, `data`, `outcome`, `deferred`,
    /// `undeferred`, `accepted`, `rejected`, `withdrawn`, `expired`, `overflowed`, `closed`.
    public var name: String {
        switch self {
        case .arrived: "arrived"
        case .callerData: "data"
        case .evaluated: "outcome"
        case .deferred: "deferred"
        case .undeferred: "undeferred"
        case .accepted: "accepted"
        case .rejected: "rejected"
        case .withdrawn: "withdrawn"
        case .expired: "expired"
        case .overflowed: "overflowed"
        case .closed: "closed"
        }
    }
}

/// The bytes a proxied connection carried each way.
public struct Transferred: Hashable, Sendable {
    /// From the client to the upstream (the caller data kept while pending included).
    public var toUpstream: Int
    /// From the upstream to the client.
    public var toClient: Int

    public init(toUpstream: Int, toClient: Int) {
        self.toUpstream = toUpstream
        self.toClient = toClient
    }
}

extension ListenerEvent.Kind {
    /// `paused` or `resumed`.
    public var name: String {
        switch self {
        case .paused: "paused"
        case .resumed: "resumed"
        }
    }
}
