import Foundation
import Glibc
import Testing
import UsherTestSupport

/// The line mode: plain-text frames, keys read a line at a time (`--line-mode`, `TERM=dumb`).
@Suite("Line mode", .timeLimit(.minutes(2)))
struct LineModeTests {
    @Test("TERM=dumb usher run in a terminal: frames as plain lines, a then Enter accepts, q then Enter quits")
    func dumbTerminal() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-dumb")
        let log = folder.path + "/usher.log"
        let usher = try UsherExecutable.path()
        let command = ["TERM=dumb", usher, "run", "--listen", "127.0.0.1:0", "--control", folder.path + "/control.sock", "--log-file", log]
        try await TmuxSession.with(width: 100, height: 40) { terminal in
            try await terminal.type(command.enumerated().map { $0.offset == 0 ? $0.element : $0.element.shellQuoted }.joined(separator: " ")
                + "; echo usher-exit=$?")
            try await terminal.press("Enter")
            try await terminal.waitFor("Pending (0)", "No pending requests")
            let port = try await readyPort(fromLog: log)
            let held = Task { try await Curl.get(port: port, path: "/plain") }
            try await terminal.waitFor("r1", "GET /plain HTTP/1.1")
            try await waitOutDecisionPause()
            try await terminal.type("a")
            try await terminal.press("Enter")
            #expect(try await held.value.standardOutput.contains("You sent: GET /plain"))
            try await terminal.waitFor("r1 accepted by")
            // ASCII lines and no colour: TERM=dumb cannot show more.
            let screen = try await terminal.screen()
            #expect(screen.contains("+ > Pending (0) - filter: none"), "\(screen)")
            #expect(!screen.contains("│") && !screen.contains("↑↓"), "\(screen)")
            try await terminal.type("q")
            try await terminal.press("Enter")
            try await terminal.waitFor("usher-exit=0")
        }
        withExtendedLifetime(folder) {}
    }

    @Test("usher top --line-mode with keys from a pipe: :accept r1 decides, a bad line says why, q quits")
    func piped() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-lines")
        let keys = try KeyPipe(folder.path + "/keys")
        defer { keys.close() }
        let type = keys.type
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let usher = try UsherExecutable.path()
            let script = "exec \(usher.shellQuoted) top --line-mode --control \(control.shellQuoted) < \(keys.path.shellQuoted)"
            let (_, exit) = try await BackgroundProcess.with("bash", ["-c", script], environment: ["COLUMNS": "100", "LINES": "20"]) { top in
                try await top.log.waitForLine(containing: "Pending (0)")
                let held = Task { try await Curl.get(port: port, path: "/piped") }
                try await top.log.waitForLine(containing: "r1", "GET /piped")
                type(":accept r1")
                #expect(try await held.value.standardOutput.contains("You sent: GET /piped"))
                try await top.log.waitForLine(containing: "r1 accepted by")
                type(":accept sideways")
                try await top.log.waitForLine(containing: "'sideways' is not a request ID")
                type("q")
                try await top.waitForExit()
            }
            #expect(exit.exitCode == 0)
            let output = exit.lines.joined(separator: "\n")
            #expect(!output.contains("\u{1B}"), "plain text: no escape sequence")
            #expect(output.components(separatedBy: "usher 0.1").count > 2, "a frame per change")
        }
    }
}
