import ArgumentParser
import Logging

/// How usher writes its log (to standard error).
struct LogOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// `2026-11-25T14:02:11.118Z info accepted id=r3 peer=…`
        case text
        /// One JSON object per line.
        case json
    }

    @Option(help: ArgumentHelp(
        "Least severe level written: trace, debug (adds every condition outcome), info, notice, warning, error.",
        valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Log line format: text or json.", valueName: "format"))
    var logFormat: Format = .text

    @Option(help: ArgumentHelp("Append the log to this file instead of standard error (rotated to FILE.1 past 16 MiB). usher run logs to usher-run.log in the state directory unless given one, or none.", valueName: "path"))
    var logFile: String?

    /// Installs the log handler for the whole process (once).
    func bootstrap() {
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            LineLogHandler(label: label, level: level, format: format)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
