import DequeModule
import HeapModule

/// A timer of one request: its pending timeout, the end of its deferral or of its inspect delay.
///
/// Timers are never removed early: when one fires, the core checks that it still matches the
/// request (lazy deletion).
struct Deadline: Comparable, Hashable, Sendable {
    enum Kind: Int, Hashable, Sendable {
        case deferralEnd
        case timeout
        /// The inspect delay of a request waiting for caller data is over.
        case inspectEnd
        /// A trusted proxy's time to send its PROXY header is over.
        case proxyHeaderEnd
    }

    var at: Moment
    var id: RequestID
    var kind: Kind

    static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        (lhs.at, lhs.id, lhs.kind.rawValue) < (rhs.at, rhs.id, rhs.kind.rawValue)
    }
}

/// The core's timers, earliest first.
///
/// Pending timeouts are all the same length, so they arrive in deadline order: they go to a FIFO
/// (O(1)), whose stale front is dropped as new ones come, so that a busy gate whose requests are
/// decided quickly keeps it short. Anything out of order (deferrals) goes to a min-heap.
struct DeadlineQueue: Sendable {
    private var ordered = Deque<Deadline>()
    private var unordered = Heap<Deadline>()

    /// The earliest timer.
    var next: Deadline? {
        switch (ordered.first, unordered.min) {
        case (let first?, let min?): Swift.min(first, min)
        case (let first?, nil): first
        case (nil, let min?): min
        case (nil, nil): nil
        }
    }

    var count: Int { ordered.count + unordered.count }

    mutating func insert(_ deadline: Deadline) {
        if deadline.kind == .timeout, ordered.last.map({ $0 <= deadline }) ?? true {
            ordered.append(deadline)
        } else {
            unordered.insert(deadline)
        }
    }

    /// Removes and returns the earliest timer if it is due at `now`.
    mutating func popDue(at now: Moment) -> Deadline? {
        guard let due = next, due.at <= now else { return nil }
        if let first = ordered.first, first == due {
            return ordered.removeFirst()
        }
        return unordered.removeMin()
    }

    /// Drops timers from the front of the FIFO that no longer matter.
    mutating func dropStale(keeping isCurrent: (Deadline) -> Bool) {
        while let first = ordered.first, !isCurrent(first) {
            ordered.removeFirst()
        }
    }
}
