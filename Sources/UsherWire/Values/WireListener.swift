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
    public var counters: WireCounters

    enum CodingKeys: String, CodingKey {
        case id, address, pending, paused, counters, backlog
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
        counters = WireCounters(status.counters)
    }
}
