import Foundation
import Testing
import UsherTestSupport

/// The help texts, as a user sees them in an 80-column terminal. A change to an option shows up
/// here; rerun with USHER_RECORD_SNAPSHOTS=1 to accept it.
@Suite("Help snapshots", .timeLimit(.minutes(1)))
struct HelpSnapshotTests {
    @Test("help texts match their snapshots", arguments: [
        (["--help"], "usher-help"),
        (["run", "--help"], "usher-run-help"),
        (["top", "--help"], "usher-top-help"),
        (["serve", "--help"], "usher-serve-help"),
        (["guard", "--help"], "usher-guard-help"),
        (["ls", "--help"], "usher-ls-help"),
        (["listeners", "--help"], "usher-listeners-help"),
        (["accept", "--help"], "usher-accept-help"),
        (["reject", "--help"], "usher-reject-help"),
        (["defer", "--help"], "usher-defer-help"),
        (["watch", "--help"], "usher-watch-help"),
        (["rules", "--help"], "usher-rules-help"),
        (["rules", "check", "--help"], "usher-rules-check-help"),
        (["rules", "ls", "--help"], "usher-rules-ls-help"),
        (["rules", "reload", "--help"], "usher-rules-reload-help"),
        (["rules", "rm", "--help"], "usher-rules-rm-help"),
        (["log", "--help"], "usher-log-help"),
    ])
    func help(arguments: [String], snapshot: String) async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), arguments, environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        let check = try TextSnapshot.check(result.standardOutput, named: snapshot)
        #expect(check == .matches, "\(check)")
    }
}

/// The manuals under docs/ keep up with `--help`: every option a command's help lists is
/// described in that command's manual.
@Suite("Manuals in step with --help", .timeLimit(.minutes(1)))
struct ManualTests {
    /// The repository's docs/ folder, found from this file.
    static let docs: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/docs"
    }()

    /// The long options a help text lists, without `--help` and `--version`.
    static func options(inHelp help: String) -> Set<String> {
        var options = Set<String>()
        for line in help.split(separator: "\n") where line.hasPrefix("  ") {
            let first = line.drop { $0 == " " }.split(separator: " ").first.map(String.init) ?? ""
            let option = first.hasPrefix("-") && !first.hasPrefix("--")
                ? String(line.drop { $0 == " " }.split(separator: " ").dropFirst().first ?? "") : first
            if option.hasPrefix("--") { options.insert(String(option.prefix { $0 != "," && $0 != "=" })) }
        }
        return options.subtracting(["--help", "--version"])
    }

    @Test("every option in a command's help appears in its manual", arguments: [
        ("serve", ["usher-serve.md"]),
        ("guard", ["guard.md"]),
        ("run", ["usher-dashboard.md", "usher-serve.md"]),
        ("top", ["usher-dashboard.md"]),
        ("ls", ["usher-control.md"]),
        ("listeners", ["usher-listeners.md"]),
        ("accept", ["usher-control.md"]),
        ("reject", ["usher-control.md"]),
        ("defer", ["usher-control.md"]),
        ("watch", ["usher-control.md"]),
        ("reload", ["usher-control.md"]),
        ("restart", ["usher-control.md"]),
        ("rules ls", ["rules.md"]),
        ("rules reload", ["rules.md"]),
        ("rules rm", ["rules.md"]),
        ("log", ["journal.md"]),
    ])
    func optionsDocumented(command: String, manuals: [String]) async throws {
        let help = try await ProcessRunner.run(try UsherExecutable.path(), command.split(separator: " ").map(String.init) + ["--help"], environment: ["COLUMNS": "200"])
        let options = Self.options(inHelp: help.standardOutput)
        #expect(!options.isEmpty, "no options read from \(command) --help")
        let text = try manuals.map { try String(contentsOfFile: "\(Self.docs)/\($0)", encoding: .utf8) }.joined()
        let missing = options.filter { option in
            !text.contains("`\(option)") && !text.contains("\(option) ") && !text.contains("[\(option)")
        }
        #expect(missing.isEmpty, "usher \(command): \(missing.sorted()) not in \(manuals)")
    }
}
