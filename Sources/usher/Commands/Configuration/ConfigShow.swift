import ArgumentParser
import UsherRulesFile

/// `usher config show [FILE] [-- OPTIONS]`.
struct ConfigShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the configuration 'usher serve' would run with, and where each value comes from.",
        discussion: """
            Every option of 'usher serve' as a key, with its value and its source: the \
            command line (options given after --), the file (FILE:LINE), or the default; \
            then the file's [[listener]] tables.

            Example:
              usher config show /etc/usher/usher.toml -- --policy accept
            """)

    @Argument(help: ArgumentHelp("The file. (default: the default configuration file, when it exists)", valueName: "file"))
    var file: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("Options of 'usher serve', after --.", valueName: "options"))
    var options: [String] = []

    func run() throws {
        let configuration: ConfigurationFile? = if let file { try Config.load(file) } else { try ConfigurationOptions().file.map { try Config.load($0) } }
        if let configuration {
            let problems = ConfigurationLoader<Serve>(file: configuration).problems()
            guard problems.isEmpty else { throw CommandFailure(RulesFileErrors(problems).description, code: .usage) }
        }
        let given = Self.commandLineValues(options)
        let settings = Dictionary((configuration?.settings ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let defaults = Self.defaults()
        for key in ConfigurationLoader<Serve>.keys {
            if key == "listen", given[key] == nil, settings[key] == nil, configuration?.listeners.isEmpty == false {
                StandardOutput.writeLine("listen = []  # none beside the [[listener]] tables below")
            } else if let value = given[key] {
                StandardOutput.writeLine("\(key) = \(value)  # command line")
            } else if let setting = settings[key], let configuration {
                StandardOutput.writeLine("\(key) = \(Self.text(setting.value))  # \(configuration.path):\(setting.line)")
            } else {
                StandardOutput.writeLine("\(key) = \(defaults[key] ?? "(not set)")  # default")
            }
        }
        for listener in configuration?.listeners ?? [] {
            StandardOutput.writeLine("")
            StandardOutput.writeLine("[[listener]]  # \(configuration?.path ?? ""):\(listener.line)")
            for setting in listener.settings {
                StandardOutput.writeLine("\(setting.key) = \(Self.text(setting.value))")
            }
        }
    }

    /// A value as TOML writes it.
    private static func text(_ value: ConfigurationFile.Value) -> String {
        switch value {
        case .text(let text): quoted(text)
        case .flag(let on): on ? "true" : "false"
        case .list(let items): "[" + items.map(quoted).joined(separator: ", ") + "]"
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// `--policy accept`, `--pending-timeout=5s`, `--metrics-host`: by key.
    private static func commandLineValues(_ arguments: [String]) -> [String: String] {
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { continue }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                values[String(body[..<equals]).replacing("-", with: "_")] = quoted(String(body[body.index(after: equals)...]))
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                values[String(body).replacing("-", with: "_")] = quoted(arguments[index])
                index += 1
            } else {
                values[String(body).replacing("-", with: "_")] = "true"
            }
        }
        return values
    }

    /// Each option's default as `usher serve --help` states it (a long option's text may start
    /// on the next line).
    private static func defaults() -> [String: String] {
        var entries: [(key: String, text: String)] = []
        for line in Serve.helpMessage(columns: 10_000).split(separator: "\n") {
            if line.hasPrefix("  --") {
                let key = String(line.dropFirst(4).prefix { $0 != " " && $0 != "," }).replacing("-", with: "_")
                entries.append((key, String(line)))
            } else if line.hasPrefix("    "), !entries.isEmpty {
                entries[entries.count - 1].text += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        var defaults: [String: String] = [:]
        for (key, text) in entries {
            guard let range = text.range(of: "default: ", options: .backwards) else { continue }
            defaults[key] = String(text[range.upperBound...].prefix { $0 != ")" })
        }
        return defaults
    }
}
