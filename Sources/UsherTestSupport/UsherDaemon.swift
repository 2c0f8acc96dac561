/// Running `usher` itself as a child process, e.g. `usher serve`.
public enum UsherDaemon {
    /// Starts `usher` with `arguments` for the duration of `body`.
    public static func with<Result: Sendable>(
        _ arguments: [String], environment: [String: String] = [:],
        body: @Sendable (BackgroundProcess) async throws -> Result
    ) async throws -> (Result, ProcessExit) {
        try await BackgroundProcess.with(try UsherExecutable.path(), arguments, environment: environment, body: body)
    }
}

extension BackgroundProcess {
    /// Waits for usher's `ready` line and returns the port of its first listener.
    public func readyPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let line = try await log.waitForLine(containing: "ready", "listeners=", timeout: timeout)
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("listeners=") }),
              let portText = field.split(separator: ",").first?.split(separator: ":").last,
              let port = Int(portText)
        else { throw TimedOut("a port in: \(line)", after: .zero) }
        return port
    }
}
