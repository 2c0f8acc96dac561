import UsherCore
import UsherWire

/// Where the control server gets the host's TCP listeners from: a sampler of the kernel, as
/// `usher serve` runs one, or nothing. The server only reads it and relays what it publishes.
public protocol HostListenerFeed: Sendable {
    /// The host's listeners at the latest sample, each with its depth history when `history`
    /// is `true`; `nil` before the first sample.
    func latest(history: Bool) -> WireHost?

    /// The kernel accept queue (its depth, Recv-Q, and its limit) of the listening socket on
    /// `endpoint` held by this process, or of a guarded server's sockets on the port for host
    /// `*` (summed over their addresses), at the latest sample; `nil` when it is not known.
    func kernelQueue(of endpoint: Endpoint) -> (depth: Int, limit: Int)?

    /// Calls `observer` with every later sample, without history.
    func observe(_ observer: @escaping @Sendable (WireHost) -> Void)
}
