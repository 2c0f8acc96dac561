/// The gate's default condition: what happens to a request no other condition decided.
public enum Policy: String, Hashable, Sendable, CaseIterable {
    /// Hold every request for an operator (or its pending timeout).
    case ask
    /// Accept every request at once.
    case accept
    /// Reject every request at once.
    case reject
}

/// What the pending timeout (and a graceful stop) does to a request still undecided.
public enum TimeoutAction: String, Hashable, Sendable, CaseIterable, Codable {
    case accept
    case reject
}

/// What a client that stops sending (a FIN) while its request is undecided means.
///
/// On the wire, closing a socket and shutting down only its sending side look the same.
public enum HalfClosePolicy: String, Hashable, Sendable, CaseIterable {
    /// The client has gone: its request is withdrawn (like HAProxy's `option abortonclose`).
    case withdraw
    /// The client has finished its request and waits for the answer (`printf … | nc -N`): the
    /// request stays, and the upstream gets the same half-close after the caller data.
    case keep
}

/// What happens when a listener's pending queue is full.
public enum OverflowMode: String, Hashable, Sendable, CaseIterable {
    /// Stop accepting from the kernel: further clients wait in the kernel backlog, as with any
    /// server's backlog, until the queue has room again.
    case pause
    /// Accept and reset at once, counting the request as *overflowed*.
    case reset
}
