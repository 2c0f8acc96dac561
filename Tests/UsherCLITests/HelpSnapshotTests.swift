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
        (["ls", "--help"], "usher-ls-help"),
        (["listeners", "--help"], "usher-listeners-help"),
        (["accept", "--help"], "usher-accept-help"),
        (["reject", "--help"], "usher-reject-help"),
        (["defer", "--help"], "usher-defer-help"),
        (["watch", "--help"], "usher-watch-help"),
    ])
    func help(arguments: [String], snapshot: String) async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), arguments, environment: ["COLUMNS": "80"])
        #expect(result.exitCode == 0)
        let check = try TextSnapshot.check(result.standardOutput, named: snapshot)
        #expect(check == .matches, "\(check)")
    }
}
