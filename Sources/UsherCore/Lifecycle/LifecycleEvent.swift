/// Something that happens to one request: a decision, a timer, the client, the upstream.
public enum LifecycleEvent: Hashable, Sendable {
    /// The queue had room: `arrived → pending`.
    case queue
    /// The queue was full: `arrived → overflowed`.
    case overflow
    /// A condition or an operator accepted: the upstream connection starts.
    case accept
    /// A condition or an operator rejected.
    case reject(RejectMode)
    /// A condition or an operator postponed the decision.
    case deferral(until: Moment)
    /// The deferral ran out with time left before the pending timeout.
    case deferralEnded
    /// The pending timeout (or a graceful stop) applied its action.
    case timeout(TimeoutAction)
    /// The client closed or reset the connection.
    case withdraw
    /// The upstream connection is up: the request is handed over.
    case upstreamConnected
    /// The upstream could not be reached.
    case upstreamFailed
}
