import Synchronization

/// Inputs waiting for the dashboard's loop: the connection tasks post, the loop drains. Posting
/// calls `wake` so that a loop asleep in `poll` sees the input at once.
public final class Inbox: Sendable {
    private let queue = Mutex<[DashboardInput]>([])
    private let wake: @Sendable () -> Void
    /// Posts beyond this many undrained inputs make ``isFull`` true; the subscription then waits
    /// (and the daemon resynchronizes it if it falls too far behind).
    public let capacity: Int

    public init(capacity: Int = 50_000, wake: @escaping @Sendable () -> Void) {
        self.capacity = capacity
        self.wake = wake
    }

    public func post(_ input: DashboardInput) {
        queue.withLock { $0.append(input) }
        wake()
    }

    /// Every input posted since the last drain, oldest first.
    public func drain() -> [DashboardInput] {
        queue.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }

    public var isFull: Bool { queue.withLock { $0.count >= capacity } }
}
