/// Where a connection request is in its lifecycle.
///
/// `arrived → pending → accepted | rejected | withdrawn | expired`, `arrived → overflowed`.
/// `deferred` and `admitting` are sub-states of pending: the request still counts as pending.
public enum RequestState: Hashable, Sendable, Codable {
    /// Completed by the kernel and taken by usher; not yet queued.
    case arrived
    /// Waiting for a condition or an operator.
    case pending
    /// Decision postponed until the moment given; pending again after it.
    case deferred(until: Moment)
    /// Accepted (or timed out with action accept); the upstream connection is being made.
    case admitting(timedOut: Bool)
    /// Handed to the upstream.
    case accepted
    /// Refused, with its mode.
    case rejected(RejectMode)
    /// The client closed or reset while pending.
    case withdrawn
    /// The pending timeout (or a graceful stop) decided, with the action it took.
    case expired(TimeoutAction)
    /// Turned away because the pending queue was full.
    case overflowed

    /// `true` for `pending`, `deferred` and `admitting`: counted in the pending queue.
    public var isPending: Bool {
        switch self {
        case .pending, .deferred, .admitting: true
        default: false
        }
    }

    /// `true` once the request has left the queue for good.
    public var isFinished: Bool {
        switch self {
        case .accepted, .rejected, .withdrawn, .expired, .overflowed: true
        default: false
        }
    }

    /// `true` for a request whose connection went to the upstream: `accepted`, or expired with
    /// the accept action.
    public var wasAccepted: Bool {
        switch self {
        case .accepted, .expired(.accept): true
        default: false
        }
    }

    /// `true` while a condition or an operator may still decide.
    public var isUndecided: Bool {
        switch self {
        case .pending, .deferred: true
        default: false
        }
    }

    /// One word for logs and tables.
    public var name: String {
        switch self {
        case .arrived: "arrived"
        case .pending: "pending"
        case .deferred: "deferred"
        case .admitting: "admitting"
        case .accepted: "accepted"
        case .rejected(.close): "rejected"
        case .rejected(.reset): "reset"
        case .withdrawn: "withdrawn"
        case .expired: "expired"
        case .overflowed: "overflowed"
        }
    }

    /// What was decided, in one word: `name`, except that a request being handed to the upstream
    /// was already `accepted` (or `expired`, when the timeout accepted it).
    public var decisionName: String {
        switch self {
        case .admitting(timedOut: false): "accepted"
        case .admitting(timedOut: true): "expired"
        default: name
        }
    }
}
