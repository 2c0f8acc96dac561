import DequeModule
import Foundation
import UsherWire

/// Accepted, rejected and withdrawn per second for one listener, from counters sampled at each
/// refresh, over the last few seconds.
public struct RateMeter: Hashable, Sendable {
    private var samples: Deque<(at: Date, counters: WireCounters)> = []
    /// The span rates are averaged over.
    public let window: TimeInterval

    public init(window: TimeInterval = 5) {
        self.window = window
    }

    public mutating func record(_ counters: WireCounters, at now: Date) {
        samples.append((now, counters))
        while let first = samples.first, samples.count > 2, now.timeIntervalSince(first.at) > window {
            samples.removeFirst()
        }
    }

    /// The rate of one counter, per second.
    public func rate(_ counter: KeyPath<WireCounters, Int>) -> Double {
        guard let first = samples.first, let last = samples.last else { return 0 }
        let elapsed = last.at.timeIntervalSince(first.at)
        guard elapsed > 0.05 else { return 0 }
        return Double(max(0, last.counters[keyPath: counter] - first.counters[keyPath: counter])) / elapsed
    }

    public static func == (lhs: RateMeter, rhs: RateMeter) -> Bool {
        lhs.samples.count == rhs.samples.count
            && zip(lhs.samples, rhs.samples).allSatisfy { $0.at == $1.at && $0.counters == $1.counters }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(samples.count)
    }
}
