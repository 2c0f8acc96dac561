import Testing
import UsherTestSupport

/// Command-line mistakes: exit 64 and one line that names the flag.
@Suite("usher usage errors", .timeLimit(.minutes(1)))
struct UsageTests {
    @Test("bad flags and addresses exit 64 with one line naming the flag", arguments: [
        (["--listen", "nope"], "--listen"),
        (["--listen", "[::1:80"], "--listen"),
        (["--listen", "127.0.0.1:70000"], "--listen"),
        (["--upstream", "localhost"], "--upstream"),
        (["--backlog", "0"], "--backlog"),
        (["--backlog", "many"], "--backlog"),
        (["--max-pending", "0"], "--max-pending"),
        (["--max-connections", "0"], "--max-connections"),
        (["--policy", "maybe"], "--policy"),
        (["--pending-timeout", "5x"], "--pending-timeout"),
        (["--pending-timeout", "0"], "--pending-timeout"),
        (["--timeout-action", "defer"], "--timeout-action"),
        (["--overflow", "drop"], "--overflow"),
        (["--half-close", "maybe"], "--half-close"),
        (["--reject-mode", "drop"], "--reject-mode"),
        (["--reject-mode", "reset", "--reject-message", "busy"], "--reject-mode reset"),
        (["--reject-message", #"oops\q"#], "--reject-message"),
        (["--threads", "0"], "--threads"),
        (["--listen", "127.0.0.1:9", "--listen", "127.0.0.1:9"], "--listen"),
        (["--bogus"], "--bogus"),
        (["--upstream", "no-such-host.invalid:80"], "no-such-host.invalid:80"),
        (["--listen", "127.0.0.1:18999", "--upstream", "127.0.0.1:18999"], "would loop"),
        (["--listen", "0.0.0.0:18999", "--upstream", "127.0.0.1:18999"], "would loop"),
    ])
    func badFlag(arguments: [String], named flag: String) async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), ["serve"] + arguments)
        #expect(result.exitCode == 64, "\(result.standardError)")
        let lines = result.standardError.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.hasPrefix("usher: ") == true)
        #expect(lines.first?.contains(flag) == true, "\(result.standardError)")
    }

    @Test("help teaches, with examples, and exits 0", arguments: [["--help"], ["serve", "--help"], ["help", "serve"]])
    func help(arguments: [String]) async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), arguments)
        #expect(result.exitCode == 0)
        #expect(result.standardOutput.contains("usher serve"))
        #expect(result.standardOutput.contains("--policy"))
    }

    @Test("--version prints the version")
    func version() async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), ["--version"])
        #expect(result.exitCode == 0)
        #expect(result.standardOutput.hasPrefix("0."))
    }
}
