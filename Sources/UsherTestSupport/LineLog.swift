import NIOConcurrencyHelpers

/// Lines a child process wrote, collected as they arrive, for polling with a deadline.
public final class LineLog: Sendable {
    private let state = NIOLockedValueBox<(lines: [String], finished: Bool)>(([], false))

    public init() {}

    public var lines: [String] { state.withLockedValue { $0.lines } }
    public var isFinished: Bool { state.withLockedValue { $0.finished } }

    func append(_ line: String) {
        state.withLockedValue { $0.lines.append(line) }
    }

    func finish() {
        state.withLockedValue { $0.finished = true }
    }

    /// The first line containing every fragment, waiting up to `timeout` for it.
    @discardableResult
    public func waitForLine(
        containing fragments: String..., timeout: Duration = .seconds(60)
    ) async throws -> String {
        var found: String?
        try await poll("a line with \(fragments) in:\n\(lines.joined(separator: "\n"))", timeout: timeout) {
            found = lines.first { line in fragments.allSatisfy(line.contains) }
            return found != nil || isFinished
        }
        guard let found else {
            throw TimedOut("a line with \(fragments); the process ended. Its output:\n\(lines.joined(separator: "\n"))", after: timeout)
        }
        return found
    }

    /// How many lines contain every fragment now.
    public func count(containing fragments: String...) -> Int {
        lines.filter { line in fragments.allSatisfy(line.contains) }.count
    }
}
