import Subprocess
#if canImport(Glibc)
import Glibc
#endif

/// A running `usher` child process (e.g. `usher serve`) whose standard error is collected
/// line by line.
public struct UsherDaemon: Sendable {
    /// Its log lines so far.
    public let log: LineLog
    public let processIdentifier: Int32
    private let signalSender: @Sendable (Int32) -> Void

    /// Sends a signal (by the PID this test started).
    public func send(signal: Int32) {
        signalSender(signal)
    }

    /// Waits for the `ready` line and returns the port of the first listener.
    public func readyPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let line = try await log.waitForLine(containing: "ready", "listeners=", timeout: timeout)
        guard let field = line.split(separator: " ").first(where: { $0.hasPrefix("listeners=") }),
              let portText = field.split(separator: ",").first?.split(separator: ":").last,
              let port = Int(portText)
        else { throw TimedOut("a port in: \(line)", after: .zero) }
        return port
    }

    /// Waits until the process has ended (its standard error closed).
    public func waitForExit(timeout: Duration = .seconds(20)) async throws {
        try await poll("usher (pid \(processIdentifier)) to exit", timeout: timeout) { log.isFinished }
    }
}

/// How a daemon run ended.
public struct DaemonExit: Sendable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var lines: [String]
}

extension UsherDaemon {
    /// Starts `usher` with `arguments`, runs `body` with it, then stops it (SIGTERM, and SIGKILL
    /// if it is still there after 10 s) and reports how it ended.
    public static func with<Result: Sendable>(
        _ arguments: [String], environment: [String: String] = [:],
        body: @Sendable (UsherDaemon) async throws -> Result
    ) async throws -> (Result, DaemonExit) {
        let path = try UsherExecutable.path()
        let log = LineLog()
        let outcome = try await Subprocess.run(
            .path(.init(path)), arguments: Arguments(arguments), environment: .inherit.updating(Environment.updates(environment)),
            input: .none, output: .discarded, error: .sequence
        ) { execution in
            async let reading: Void = collect(execution.standardError, into: log)
            let daemon = UsherDaemon(
                log: log, processIdentifier: execution.processIdentifier.value,
                signalSender: { try? execution.send(signal: Signal(rawValue: $0)) })
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(daemon))
            } catch {
                result = .failure(error)
            }
            await stop(daemon, execution: execution)
            try? await reading
            return result
        }
        let exit = DaemonExit(
            exitCode: outcome.terminationStatus.exitCode, signal: outcome.terminationStatus.signal, lines: log.lines)
        return (try outcome.closureResult.get(), exit)
    }

    private static func collect(_ sequence: SubprocessOutputSequence, into log: LineLog) async throws {
        defer { log.finish() }
        for try await line in sequence.strings() {
            log.append(line.hasSuffix("\n") ? String(line.dropLast()) : line)
        }
    }

    private static func stop(_ daemon: UsherDaemon, execution: Execution<NoInput, DiscardedOutput, SequenceOutput>) async {
        guard !daemon.log.isFinished else { return }
        try? execution.send(signal: .terminate)
        if (try? await daemon.waitForExit(timeout: .seconds(10))) == nil {
            try? execution.send(signal: .kill)
        }
    }
}
