import Synchronization

/// A warning that may happen once per connection, said once, then at most once per interval with
/// how many times it happened since: a line with a count, never a line per client.
final class RepeatedWarning: Sendable {
    private struct State {
        var lastSaid: ContinuousClock.Instant?
        var unsaid = 0
    }

    private let state = Mutex(State())
    private let interval: Duration

    init(every interval: Duration = .seconds(10)) {
        self.interval = interval
    }

    /// Counts one occurrence; returns how many the line to write now covers, or `nil` when it
    /// is not time to write one.
    func occurred(at now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            state.unsaid += 1
            if let last = state.lastSaid, now - last < interval { return nil }
            state.lastSaid = now
            defer { state.unsaid = 0 }
            return state.unsaid
        }
    }
}
