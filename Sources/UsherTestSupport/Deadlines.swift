/// A test step that did not finish in time.
public struct TimedOut: Error, CustomStringConvertible {
    public var what: String
    public var after: Duration

    public init(_ what: String, after: Duration) {
        self.what = what
        self.after = after
    }

    public var description: String { "timed out after \(after) waiting for \(what)" }
}

/// Runs `operation`, failing with ``TimedOut`` if it takes longer than `limit`.
public func withTimeout<Result: Sendable>(
    _ limit: Duration, _ what: String, operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what, after: limit)
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TimedOut(what, after: limit) }
        return first
    }
}

/// Polls `condition` every `interval` until it holds; throws ``TimedOut`` after `limit`.
public func poll(
    _ what: String, every interval: Duration = .milliseconds(10), timeout limit: Duration = .seconds(60),
    until condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while true {
        if try await condition() { return }
        guard clock.now < deadline else { throw TimedOut(what, after: limit) }
        try await Task.sleep(for: interval)
    }
}
