import Foundation
import Testing
import UsherTestSupport

/// `usher top --record FILE` and `usher top --replay FILE --speed N`.
@Suite("Record and replay", .timeLimit(.minutes(2)))
struct RecordReplayTests {
    @Test("a recorded session plays back with the same rows, read-only, at --speed, and says when it ends")
    func recordThenReplay() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-record")
        let recording = folder.path + "/incident.rec"
        let usher = try UsherExecutable.path()
        let environment = ["COLUMNS": "110", "LINES": "24"]
        let keys = try KeyPipe(folder.path + "/keys")
        defer { keys.close() }
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let script = "exec \(usher.shellQuoted) top --line-mode --record \(recording.shellQuoted) --control \(control.shellQuoted) < \(keys.path.shellQuoted)"
            let (_, exit) = try await BackgroundProcess.with("bash", ["-c", script], environment: environment) { top in
                try await top.log.waitForLine(containing: "Pending (0)")
                let held = Task { try await Curl.get(port: port, path: "/recorded") }
                try await top.log.waitForLine(containing: "r1", "GET /recorded")
                _ = try await UsherDaemon.client(["accept", "r1"], control: control)
                #expect(try await held.value.standardOutput.contains("You sent: GET /recorded"))
                try await top.log.waitForLine(containing: "r1 accepted by")
                keys.type("q")
                try await top.waitForExit()
            }
            #expect(exit.exitCode == 0)
            #expect(exit.lines.contains { $0.hasPrefix("usher: recorded ") && $0.contains("entries to \(recording)") }, "\(exit.lines.suffix(3))")
        }
        let lines = try String(contentsOfFile: recording, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == #"{"usher_recording":1,"version":"0.1.0"}"#)
        #expect(lines.contains { $0.contains(#""type":"event""#) && $0.contains("GET /recorded") })

        // No daemon now: the replay needs none. Its keys come from a file: `a` at once (refused:
        // a replay decides nothing), then the end of the input; at the end of the recording
        // nobody can type q, so the replay ends by itself after its last frame.
        let input = folder.path + "/replay-keys"
        try "a\n".write(toFile: input, atomically: true, encoding: .utf8)
        let script = "exec \(usher.shellQuoted) top --line-mode --replay \(recording.shellQuoted) --speed 2 --interval 100ms < \(input.shellQuoted)"
        let (_, exit) = try await BackgroundProcess.with("bash", ["-c", script], environment: environment) { replay in
            try await replay.log.waitForLine(containing: "replay ×2 of incident.rec")
            try await replay.waitForExit()
        }
        let frames = exit.lines.joined(separator: "\n")
        #expect(frames.contains("read-only (--read-only): this dashboard decides nothing"), "\(frames.suffix(2000))")
        #expect(exit.lines.contains { $0.contains("r1") && $0.contains("GET /recorded") })
        #expect(exit.lines.last { $0.contains("usher 0.1.0") }?.contains("end of the recording") == true)
        #expect(exit.exitCode == 0)
    }

    @Test("a file that is not a recording, or a bad option, is a one-line error and exit 64", arguments: [
        (["--replay", "NOTES"], "usher: --replay: NOTES: line 1: not a usher recording"),
        (["--replay", "missing.rec"], "usher: --replay: missing.rec: cannot read it: No such file or directory"),
        (["--replay", "BROKEN"], "usher: --replay: BROKEN: line 2: not a recorded entry (not JSON)"),
        (["--replay", "x", "--record", "y"], "--record and --replay do not go together"),
        (["--speed", "4"], "--speed goes with --replay"),
        (["--replay", "x", "--speed", "1000"], "--speed: '1000.0' is outside 0.1…100"),
        (["--record", "/no/such/folder/f.rec"], "usher: --record: cannot write /no/such/folder/f.rec: No such file or directory"),
    ])
    func badInput(arguments: [String], expected: String) async throws {
        let folder = try TemporaryDirectory(prefix: "usher-replay-bad")
        try "some notes\n".write(toFile: folder.path + "/NOTES", atomically: true, encoding: .utf8)
        try "{\"usher_recording\":1,\"version\":\"0.1.0\"}\n{broken\n".write(toFile: folder.path + "/BROKEN", atomically: true, encoding: .utf8)
        let usher = try UsherExecutable.path()
        let control = ["--control", folder.path + "/none.sock"]
        let result = try await ProcessRunner.run(
            "bash", ["-c", "cd \(folder.path.shellQuoted) && exec \(usher.shellQuoted) top --line-mode " + (arguments + control).map(\.shellQuoted).joined(separator: " ") + " </dev/null"])
        #expect(result.exitCode == 64, "\(result.standardError)")
        #expect(result.standardError.contains(expected), "\(result.standardError)")
    }
}
