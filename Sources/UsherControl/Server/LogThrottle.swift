/// Counts the occurrences of one thing and says when to log them: the first at once, then at
/// most one line per interval, with the count since the last line.
struct LogThrottle {
    private var count = 0
    private var lastLogged: ContinuousClock.Instant?

    /// Counts one; returns how many to log now (this one and those held back), or `nil`.
    mutating func occurred(logEvery interval: Duration, now: ContinuousClock.Instant = .now) -> Int? {
        count += 1
        if let lastLogged, now - lastLogged < interval { return nil }
        lastLogged = now
        defer { count = 0 }
        return count
    }
}
