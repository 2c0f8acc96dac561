import DequeModule

/// The last samples of a number (a listener's pending depth), one per refresh, for sparklines.
public struct DepthHistory: Hashable, Sendable {
    public private(set) var samples: Deque<Int> = []
    public let capacity: Int

    public init(capacity: Int = 300) {
        self.capacity = capacity
    }

    public mutating func record(_ value: Int) {
        samples.append(value)
        if samples.count > capacity { samples.removeFirst() }
    }

    /// The last `count` samples, oldest first.
    public func last(_ count: Int) -> [Int] {
        Array(samples.suffix(count))
    }
}
