import ArgumentParser
import UsherControl
import UsherCore
import UsherWire

/// `usher rules ls`: the remembered decisions and rules in force, with their counters.
struct RulesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the remembered decisions and rules in force, with counters and expiry.",
        discussion: """
            Remembered decisions come first (they are tested first), then the rules file's \
            rules in order, then what decides the rest. EVALUATED counts the requests a rule \
            was tested on, MATCHED those it decided (or sent to ask).
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        let rules = try await ControlSession.run(control) { try await $0.rules() }
        if output.json {
            ControlSession.printJSON(rules)
            return
        }
        RulesTable.print(rules)
    }
}

/// The text form of the rules in force.
enum RulesTable {
    static func print(_ rules: WireRules) {
        var table = TextTable("NAME", "ACTION", "MATCH", "EVALUATED", "MATCHED", "LAST MATCH", "EXPIRES")
        for rule in rules.remembered + rules.rules {
            table.add([
                rule.name, rule.action, rule.matchers.isEmpty ? "every request" : rule.matchers.joined(separator: "; "),
                "\(rule.evaluated)", "\(rule.matched)", rule.lastMatch.map(EventText.localTime) ?? "-",
                rule.expires.map { $0 == "restart" ? "restart" : EventText.localTime($0) } ?? "-",
            ])
        }
        if !table.rows.isEmpty { StandardOutput.writeLine(table.render()) }
        let file = rules.file.map { "rules file \($0)" } ?? "no rules file"
        StandardOutput.writeLine("\(file); the rest: \(rules.fallback)")
    }
}

/// `usher rules reload`.
struct RulesReload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Read the daemon's rules file again (as SIGHUP does for usher serve).",
        discussion: """
            The new rules replace the old ones between two requests. A file with a problem \
            is refused: the old rules stay in force, and the reason is printed (exit 1), \
            logged, and sent to every watcher and dashboard. Requests already pending keep \
            what the old rules said, unless --apply-pending.
            """)

    @Flag(help: "Evaluate the undecided pending requests again with the new rules (an operator's decision is never undone).")
    var applyPending = false

    @OptionGroup var control: ControlOptions

    func run() async throws {
        let rules = try await ControlSession.run(control) { try await $0.rules(.reload(applyPending: applyPending)) }
        StandardOutput.writeLine("\(rules.file ?? "rules"): \(rules.rules.count) rules in force")
    }
}

/// `usher rules rm`.
struct RulesRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove a remembered decision by name (as 'usher rules ls' shows it).")

    @Argument(help: ArgumentHelp("The remembered decision, e.g. peer:127.0.0.1.", valueName: "name"))
    var name: String

    @OptionGroup var control: ControlOptions

    func run() async throws {
        _ = try await ControlSession.run(control) { try await $0.rules(.forget(name: name)) }
        StandardOutput.writeLine("\(name) removed")
    }
}
