/// The provider's view of one gated listener: its limit, counters and whether it is accepting.
public struct ListenerStatus: Hashable, Sendable, Identifiable {
    public let id: ListenerID
    /// Where it listens (the bound address once known).
    public internal(set) var endpoint: Endpoint
    /// The most requests pending at once.
    public var limit: Int
    /// The backlog of the listening socket, as passed to `listen()` after clamping; `nil` until
    /// bound.
    public internal(set) var kernelBacklog: Int?
    public internal(set) var counters = Counters()
    /// `true` while usher has stopped accepting from the kernel because the queue is full.
    public internal(set) var isPaused = false
    /// `true` once a reloaded configuration left it out: it takes no more connections, and the
    /// requests it queued are decided as before.
    public internal(set) var isClosed = false

    public init(id: ListenerID, endpoint: Endpoint, limit: Int) {
        self.id = id
        self.endpoint = endpoint
        self.limit = limit
    }

    /// `true` when the pending queue has reached the limit.
    public var isFull: Bool { counters.pending >= limit }
}
