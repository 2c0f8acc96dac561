/// Running `usher` itself as a child process, e.g. `usher serve`.
public enum UsherDaemon {
    /// Starts `usher` with `arguments` for the duration of `body`.
    ///
    /// Unless `environment` names them, the daemon gets a control socket of its own in a private
    /// folder (through `USHER_CONTROL`), so daemons of tests running in parallel never meet, and
    /// its state (the journal) in that folder too (`XDG_STATE_HOME`); `body` receives the
    /// control socket's path.
    public static func with<Result: Sendable>(
        _ arguments: [String], environment: [String: String] = [:],
        body: @Sendable (BackgroundProcess, _ control: String) async throws -> Result
    ) async throws -> (Result, ProcessExit) {
        let folder = try TemporaryDirectory(prefix: "usher-control")
        var environment = environment
        let control = environment["USHER_CONTROL"] ?? folder.path + "/control.sock"
        environment["USHER_CONTROL"] = control
        environment["XDG_STATE_HOME"] = environment["XDG_STATE_HOME"] ?? folder.path + "/state"
        defer { withExtendedLifetime(folder) {} }
        return try await BackgroundProcess.with(try UsherExecutable.path(), arguments, environment: environment) { process in
            try await body(process, control)
        }
    }

    /// Runs a `usher` client command (`ls`, `accept r1`…) against the daemon at `control`.
    public static func client(_ arguments: [String], control: String, timeout: Duration = .seconds(60)) async throws -> ProcessOutput {
        try await ProcessRunner.run(
            try UsherExecutable.path(), arguments + ["--control", control], timeout: timeout)
    }
}

extension BackgroundProcess {
    /// Waits for usher's `ready` line and returns the port of its first listener.
    public func readyPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let line = try await log.waitForLine(containing: "ready", "listeners=", timeout: timeout)
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("listeners=") }),
              let portText = field.split(separator: ",").first?.split(separator: ":").last,
              let port = Int(portText)
        else { throw TimedOut("a port in: \(line)", after: .zero) }
        return port
    }
}

extension UsherDaemon {
    /// Waits until `usher ls --json` against `control` lists exactly `count` pending requests.
    /// Each look runs `usher ls`, so it looks every 100 ms.
    public static func waitForPending(_ count: Int, control: String, timeout: Duration = .seconds(60)) async throws {
        try await poll("\(count) pending", every: .milliseconds(100), timeout: timeout) {
            let listing = try? await client(["ls", "--json"], control: control)
            return listing.map { $0.standardOutput.components(separatedBy: #""state":"pending""#).count - 1 } == count
        }
    }

    /// Waits until `usher ls` against `control` lists request `id` (`r1`).
    public static func waitForRequest(_ id: String, control: String, timeout: Duration = .seconds(60)) async throws {
        try await poll("\(id) listed", every: .milliseconds(100), timeout: timeout) {
            let listing = try? await client(["ls", "--json"], control: control)
            return listing?.standardOutput.contains(#""id":"\#(id)""#) == true
        }
    }
}
