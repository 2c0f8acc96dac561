/// What the provider core asks the IO layer to do, in order. The IO layer executes each action
/// where it belongs (a client connection, a listener) and reports back what happened
/// (connected, failed, closed) as new calls into the core.
public enum GateAction: Hashable, Sendable {
    /// An action on one client connection.
    case connection(RequestID, ConnectionAction)
    /// An action on one gated listener.
    case listener(ListenerID, ListenerAction)
}

/// What to do with one client connection.
public enum ConnectionAction: Hashable, Sendable {
    /// Connect to the upstream, replay the caller data, then proxy both ways.
    case connectUpstream
    /// Send the rejection's message and FIN, or reset.
    case reject(Rejection)
    /// Drop the first `length` bytes read from the client, a PROXY header that must not reach
    /// the upstream; bytes read after them that the core has not seen yet are reported again.
    case stripProxyHeader(length: Int)
    /// Close it: its client has gone (it stopped sending while undecided, with
    /// ``HalfClosePolicy/withdraw``).
    case close
}

/// What to do with one listener's kernel backlog.
public enum ListenerAction: Hashable, Sendable {
    /// Stop taking connections from it: the pending queue (or the connection limit) is full.
    case pauseAccepting
    /// Take connections from it again, first those set aside while paused.
    case resumeAccepting
}
