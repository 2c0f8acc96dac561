import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The entry point: parses the command line, runs the command, and turns every failure into one
/// line on standard error with the exit codes of the command line (64 usage, 1 runtime, 69 unreachable).
@main
enum UsherMain {
    static func main() async {
        do {
            var command = try Usher.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(reporting: error)
        }
    }

    static func exit(reporting error: any Error) -> Never {
        if let code = error as? ExitCode {
            Glibc.exit(code.rawValue)  // the command has said what went wrong
        }
        if let failure = error as? CommandFailure {
            printError("usher: \(failure.message)")
            Glibc.exit(failure.exitCode)
        }
        let code = Usher.exitCode(for: error)
        if code == .success {
            print(Usher.fullMessage(for: error))
            Glibc.exit(0)
        }
        let message = Usher.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        printError("usher: \(message) (see '\(helpCommand)')")
        Glibc.exit(code.rawValue)
    }

    /// `usher SUBCOMMAND --help` when a subcommand was named, else `usher --help`.
    static var helpCommand: String {
        let names = Usher.configuration.subcommands.map { $0._commandName }
        let named = CommandLine.arguments.dropFirst().first { names.contains($0) }
        return named.map { "usher \($0) --help" } ?? "usher --help"
    }

    static func printError(_ line: String) {
        StandardError.writeLine(line)
    }
}
