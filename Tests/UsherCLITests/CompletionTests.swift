import Foundation
import Glibc
import Testing
import UsherTestSupport

/// What `scripts/install.sh` installs beside the binary: completion scripts that the shells
/// accept, and a version that names the commit.
@Suite("Completions and version", .timeLimit(.minutes(1)))
struct CompletionTests {
    @Test("the bash completion script parses (bash -n) and completes the commands and their options")
    func bash() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-completion")
        let script = try await ProcessRunner.run(try UsherExecutable.path(), ["--generate-completion-script", "bash"])
        #expect(script.exitCode == 0)
        for word in ["serve", "guard", "--pending-timeout", "--reject-with"] {
            #expect(script.standardOutput.contains(word), "completes \(word)")
        }
        let path = folder.path + "/usher.bash"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(script.standardOutput.utf8)))
        let parsed = try await ProcessRunner.run("bash", ["-n", path])
        #expect(parsed.exitCode == 0, "\(parsed.standardError)")
    }

    @Test("zsh and fish scripts are written for their shells", arguments: [("zsh", "#compdef usher"), ("fish", "complete -c 'usher'")])
    func otherShells(shell: String, marker: String) async throws {
        let script = try await ProcessRunner.run(try UsherExecutable.path(), ["--generate-completion-script", shell])
        #expect(script.exitCode == 0)
        #expect(script.standardOutput.contains(marker), "\(script.standardOutput.prefix(200))")
    }

    @Test("--version names the version and the commit it was built from")
    func version() async throws {
        let output = try await ProcessRunner.run(try UsherExecutable.path(), ["--version"])
        let text = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.hasPrefix("0.1.0 (commit "), "\(text)")
        #expect(text.hasSuffix(")"))
    }
}
