import UsherCore

/// A gated listener on the wire: where it listens, its pending queue and its counters.
public struct WireListener: Hashable, Sendable, Codable {
    /// The listener's index (`0` for the first `--listen`).
    public var id: Int
    /// The bound address, `127.0.0.1:8080`.
    public var address: String
    public var pending: Int
    /// `--max-pending`.
    public var maxPending: Int
    /// The kernel backlog of the listening socket (`--backlog`, clamped to `net.core.somaxconn`).
    public var backlog: Int?
    /// Connections waiting in the kernel's accept queue of the listening socket (its Recv-Q),
    /// at the latest sample of the host; `nil` when the host is not sampled.
    public var kernelDepth: Int?
    /// `true` while usher has stopped taking connections from the kernel backlog.
    public var paused: Bool
    /// `true` once a reloaded configuration left it out: it takes no more connections, and what
    /// it queued is still decided; absent otherwise.
    public var closed: Bool?
    public var counters: WireCounters

    enum CodingKeys: String, CodingKey {
        case id, address, pending, paused, closed, counters, backlog
        case maxPending = "max_pending"
        case kernelDepth = "kernel_depth"
    }

    public init(_ status: ListenerStatus) {
        id = status.id.index
        address = status.endpoint.description
        pending = status.counters.pending
        maxPending = status.limit
        backlog = status.kernelBacklog
        paused = status.isPaused
        closed = status.isClosed ? true : nil
        counters = WireCounters(status.counters)
    }
}
