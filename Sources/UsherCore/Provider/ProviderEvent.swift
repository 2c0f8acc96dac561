/// Something observers should know: one per lifecycle step of a request, and listener changes.
///
/// Events feed logs, the event stream and the dashboard; they carry a snapshot of the request as
/// it was right after the step.
public enum ProviderEvent: Hashable, Sendable {
    case request(RequestEvent)
    case listener(ListenerEvent)
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

/// A change in a listener's admission.
public struct ListenerEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// usher stopped accepting from the kernel backlog, for this reason.
        case paused(AdmissionLimit)
        /// There is room again.
        case resumed
    }

    public var kind: Kind
    public var listener: ListenerID
    /// Requests pending on the listener, and its `--max-pending`.
    public var pending: Int
    public var limit: Int
    /// Client connections held over all listeners, and `--max-connections`.
    public var connections: Int
    public var maxConnections: Int?
    public var at: Moment

    public init(
        kind: Kind, listener: ListenerID, pending: Int, limit: Int, connections: Int, maxConnections: Int?,
        at: Moment
    ) {
        self.kind = kind
        self.listener = listener
        self.pending = pending
        self.limit = limit
        self.connections = connections
        self.maxConnections = maxConnections
        self.at = at
    }
}

/// Which limit stops a listener from taking more connections.
public enum AdmissionLimit: Hashable, Sendable {
    /// The listener's pending queue is full (`--max-pending`).
    case pendingQueue
    /// The gate holds as many connections as it may (`--max-connections`).
    case connections
}
