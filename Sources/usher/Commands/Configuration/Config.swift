import ArgumentParser
import UsherRulesFile

/// `usher config`: the configuration file of `usher serve` and `usher run`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check the configuration file, or show the configuration it makes.",
        discussion: """
            The configuration file (usher.toml; --config FILE, or by default \
            $XDG_CONFIG_HOME/usher/usher.toml, /etc/usher/usher.toml for root) holds any \
            option of 'usher serve' as a key in snake case, and [[listener]] tables, each \
            with its own listen addresses, upstream, policy, pending timeout, timeout \
            action, reject mode and message, queue limit, backlog and rules file. Options on the \
            command line win over the file.

              policy = "ask"
              pending_timeout = "60s"

              [[listener]]
              listen = ["127.0.0.1:8080"]
              upstream = "127.0.0.1:8000"
              policy = "accept"

            See docs/configuration.md.
            """,
        subcommands: [ConfigCheck.self, ConfigShow.self])

    /// The file named, else the default one; a usage error when there is none.
    static func load(_ path: String?) throws -> ConfigurationFile {
        let file = path ?? ConfigurationOptions.defaultPath()
        do {
            return try ConfigurationFile.load(path: file)
        } catch {
            throw CommandFailure(error.description, code: .usage)
        }
    }
}

/// `usher config check [FILE]`.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Report every problem of a configuration file as FILE:LINE:COL: message.",
        discussion: "Exit status: 0 when the file is sound, 64 when it has a problem (each one on its own line).")

    @Argument(help: ArgumentHelp("The file. (default: the default configuration file)", valueName: "file"))
    var file: String?

    func run() throws {
        let configuration = try Config.load(file)
        var problems = ConfigurationLoader<Serve>(file: configuration).problems()
        problems += Self.rulesProblems(of: configuration)
        guard problems.isEmpty else {
            throw CommandFailure(RulesFileErrors(problems).description, code: .usage)
        }
        StandardOutput.writeLine(
            "\(configuration.path): ok: \(configuration.settings.count) settings, \(configuration.listeners.count) listeners")
    }

    /// The problems of the rules files the configuration names (its own and its listeners'), each
    /// at its place in the rules file.
    static func rulesProblems(of configuration: ConfigurationFile) -> [RulesFileError] {
        let settings = configuration.settings + configuration.listeners.flatMap(\.settings)
        let paths = settings.filter { $0.key == "rules" }.flatMap(\.value.arguments)
        return Array(Set(paths)).sorted().flatMap { path -> [RulesFileError] in
            do throws(RulesFileErrors) {
                _ = try RulesFile.load(path: path)
                return []
            } catch {
                return error.errors
            }
        }
    }
}
