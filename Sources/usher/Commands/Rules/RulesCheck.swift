import ArgumentParser
import UsherCore
import UsherRulesFile

/// `usher rules check FILE`: reads a rules file as the daemon would and reports every problem.
struct RulesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a rules file: every problem as FILE:LINE:COL: message, exit 64.",
        discussion: """
            Reads the file exactly as 'usher serve --rules' and a reload do, without a daemon. \
            On success prints how many rules it holds and exits 0; otherwise prints one line \
            per problem (unknown key, bad CIDR, bad glob or regex, unknown action, duplicate \
            name…) and exits 64.
            """
    )

    @Argument(help: ArgumentHelp("The rules file.", valueName: "file"))
    var file: String

    func run() throws {
        do {
            let rules = try RulesFile.load(path: file)
            let plural = rules.rules.count == 1 ? "rule" : "rules"
            let fallback = rules.defaultAction.map { "[default] \($0.name)" } ?? "no [default]: --policy decides the rest"
            StandardOutput.writeLine("\(file): \(rules.rules.count) \(plural), \(fallback)")
        } catch {
            for problem in error.errors { StandardError.writeLine(problem.description) }
            throw ExitCode(CommandFailure.Code.usage.rawValue)
        }
    }

    /// Why a daemon refuses to start with (or to reload) a rules file: every problem on its own
    /// `FILE:LINE:COL` line.
    static func refusal(_ errors: RulesFileErrors) -> String {
        let count = errors.errors.count
        return "the rules file has \(count) problem\(count == 1 ? "" : "s"):\n" + errors.description
    }
}
