import Subprocess

/// A child process that runs while a test works with it; its standard output and standard error
/// are collected line by line (merged) into ``log``.
public struct BackgroundProcess: Sendable {
    public let log: LineLog
    public let processIdentifier: Int32
    private let signalSender: @Sendable (Int32) -> Void

    /// Sends a signal to this process (by the PID this test started).
    public func send(signal: Int32) {
        signalSender(signal)
    }

    /// Waits until the process has ended (its output closed).
    public func waitForExit(timeout: Duration = .seconds(60)) async throws {
        try await poll("pid \(processIdentifier) to exit", timeout: timeout) { log.isFinished }
    }
}

/// How a background process ended.
public struct ProcessExit: Sendable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var lines: [String]
}

extension BackgroundProcess {
    /// Starts `executable` (a path, or a name looked up in `PATH`), runs `body` with it, then stops
    /// it (SIGTERM, and SIGKILL if it is still there after 10 s) and reports how it ended.
    public static func with<Result: Sendable>(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        body: @Sendable (BackgroundProcess) async throws -> Result
    ) async throws -> (Result, ProcessExit) {
        let log = LineLog()
        let target: Executable = executable.contains("/") ? .path(.init(executable)) : .name(executable)
        let outcome = try await Subprocess.run(
            target, arguments: Arguments(arguments), environment: .inherit.updating(Environment.updates(environment)),
            input: .none, output: .sequence, error: .combinedWithOutput
        ) { execution in
            async let reading: Void = collect(execution.standardOutput, into: log)
            let process = BackgroundProcess(
                log: log, processIdentifier: execution.processIdentifier.value,
                signalSender: { try? execution.send(signal: Signal(rawValue: $0)) })
            let result: Swift.Result<Result, any Error>
            do {
                result = .success(try await body(process))
            } catch {
                result = .failure(error)
            }
            if !log.isFinished {
                process.send(signal: Signal.terminate.rawValue)
                if (try? await process.waitForExit(timeout: .seconds(10))) == nil {
                    process.send(signal: Signal.kill.rawValue)
                }
            }
            try? await reading
            return result
        }
        let exit = ProcessExit(
            exitCode: outcome.terminationStatus.exitCode, signal: outcome.terminationStatus.signal, lines: log.lines)
        return (try outcome.closureResult.get(), exit)
    }

    private static func collect(_ sequence: SubprocessOutputSequence, into log: LineLog) async throws {
        defer { log.finish() }
        for try await line in sequence.strings() {
            log.append(line.hasSuffix("\n") ? String(line.dropLast()) : line)
        }
    }
}
