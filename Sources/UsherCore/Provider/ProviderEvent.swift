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
        /// The queue is full: usher stopped accepting from the kernel backlog.
        case paused
        /// The queue has room again.
        case resumed
    }

    public var kind: Kind
    public var listener: ListenerID
    public var pending: Int
    public var limit: Int
    public var at: Moment

    public init(kind: Kind, listener: ListenerID, pending: Int, limit: Int, at: Moment) {
        self.kind = kind
        self.listener = listener
        self.pending = pending
        self.limit = limit
        self.at = at
    }
}
