/// The provider's view of one gated listener: its limit, counters and whether it is accepting.
public struct ListenerStatus: Hashable, Sendable, Identifiable {
    public let id: ListenerID
    /// The most requests pending at once.
    public var limit: Int
    public internal(set) var counters = Counters()
    /// `true` while usher has stopped accepting from the kernel because the queue is full.
    public internal(set) var isPaused = false

    public init(id: ListenerID, limit: Int) {
        self.id = id
        self.limit = limit
    }

    /// `true` when the pending queue has reached the limit.
    public var isFull: Bool { counters.pending >= limit }
}
