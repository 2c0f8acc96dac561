import Subprocess
#if canImport(Glibc)
import Glibc
#endif

/// What a finished child process left.
public struct ProcessOutput: Sendable {
    public var exitCode: Int32?
    /// The signal that ended it, if one did.
    public var signal: Int32?
    public var standardOutput: String
    public var standardError: String
}

/// Runs real commands (`curl`, `nc`, `usher …`) as child processes, with a time limit.
public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up in `PATH`) and collects its output. The
    /// process is terminated (SIGTERM, then SIGKILL) if it outlives `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String], timeout: Duration = .seconds(30),
        environment: [String: String] = [:]
    ) async throws -> ProcessOutput {
        let options = {
            var options = PlatformOptions()
            options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(2))]
            return options
        }()
        let target: Executable = executable.contains("/") ? .path(.init(executable)) : .name(executable)
        let updates = Environment.updates(environment)
        return try await withTimeout(timeout, "\(executable) \(arguments.joined(separator: " "))") {
            let result = try await Subprocess.run(
                target, arguments: Arguments(arguments), environment: .inherit.updating(updates),
                platformOptions: options, output: .string(limit: 16 << 20), error: .string(limit: 16 << 20))
            return ProcessOutput(
                exitCode: result.terminationStatus.exitCode, signal: result.terminationStatus.signal,
                standardOutput: result.standardOutput, standardError: result.standardError)
        }
    }
}

extension TerminationStatus {
    var exitCode: Int32? {
        if case .exited(let code) = self { return code }
        return nil
    }

    var signal: Int32? {
        if case .signaled(let signal) = self { return signal }
        return nil
    }
}

extension Environment {
    /// Keys and values to add to the inherited environment.
    static func updates(_ values: [String: String]) -> [Key: String?] {
        var updates: [Key: String?] = [:]
        for (name, value) in values {
            if let key = Key(rawValue: name) { updates[key] = value }
        }
        return updates
    }
}
