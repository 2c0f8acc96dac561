/// What the provider core asks the IO layer to do. The IO layer executes actions in order and
/// reports back what happened (connected, failed, withdrawn) as new calls into the core.
public enum GateAction: Hashable, Sendable {
    /// Connect to the upstream, replay the caller data, then proxy both ways.
    case connectUpstream(RequestID)
    /// Close the client connection: send the message and FIN, or reset.
    case reject(RequestID, Rejection)
    /// Stop taking connections from this listener's kernel backlog.
    case pauseAccepting(ListenerID)
    /// Take connections from this listener's kernel backlog again.
    case resumeAccepting(ListenerID)
}
