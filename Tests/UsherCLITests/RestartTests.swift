import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher restart`: a new process takes over the listening sockets, the pending requests with
/// their clients and the proxied connections with their bytes in flight, and nobody notices.
@Suite("usher restart", .timeLimit(.minutes(3)))
struct RestartTests {
    /// The processes started with `--takeover` on `control` (the daemons a restart started): the
    /// test's own, found by their unique control socket (in their arguments or environment).
    static func successors(of control: String) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry in
            guard let pid = Int32(entry), pid != getpid(),
                  let arguments = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ")
            else { return nil }
            let words = (arguments + [0] + environment).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return words.contains("--takeover") && (words.contains(control) || words.contains("USHER_CONTROL=\(control)")) ? pid : nil
        }
    }

    /// Stops the successors of `control` (SIGTERM: they drain and exit).
    static func stopSuccessors(of control: String) {
        for pid in successors(of: control) { kill(pid, SIGTERM) }
    }

    /// Waits until no successor of `control` is left.
    static func waitForSuccessorsToEnd(of control: String) async throws {
        try await poll("the successors of \(control) to end", every: .milliseconds(100), timeout: .seconds(30)) {
            successors(of: control).isEmpty
        }
    }

    /// `usher restart` against `control`; the daemons' log (the old one's and the new one's) in
    /// the error when it does not end.
    static func restart(_ usher: BackgroundProcess, control: String) async throws -> ProcessOutput {
        do {
            return try await UsherDaemon.client(["restart"], control: control, timeout: .seconds(100))
        } catch {
            let successors = successors(of: control)
            throw TimedOut(
                "usher restart: \(error); successors running: \(successors)\n--- the daemons' log ---\n\(usher.log.lines.suffix(80).joined(separator: "\n"))",
                after: .seconds(100))
        }
    }

    @Test("100 pending and 100 proxied connections across a restart: each pending one is accepted by the new process, each stream byte-exact, IDs go on")
    func handsEverythingOver() async throws {
        var random = SeededRandom("restart")
        print("seed \(random.seed)")
        let payloads = (0..<100).map { _ in random.bytes(32 * 1024) }
        try await PythonEchoServer.with { echo in
            _ = try await UsherDaemon.with(
                ["serve", "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:\(echo)", "--journal", "none", "--pending-timeout", "5m"]
            ) { usher, control in
                defer { Self.stopSuccessors(of: control) }
                let port = try await usher.readyPort()
                var proxied: [TCPClient] = []
                for index in 0..<100 {
                    let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                    try await client.send("hello \(index)\n")
                    proxied.append(client)
                }
                try await UsherDaemon.waitForPending(100, control: control)
                let accepted = try await UsherDaemon.client(["accept", "all"], control: control)
                #expect(accepted.exitCode == 0, "\(accepted.standardError)")
                for (index, client) in proxied.enumerated() {
                    let hello = Array("hello \(index)\n".utf8)
                    #expect(try await client.read(atLeast: hello.count) == hello)
                }
                var pending: [TCPClient] = []
                for index in 0..<100 {
                    let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                    try await client.send("waiting \(index)\n")
                    pending.append(client)
                }
                try await UsherDaemon.waitForPending(100, control: control)
                // Bytes in flight while the hand-over happens.
                for (index, client) in proxied.enumerated() { try await client.send(Array(payloads[index].prefix(16 * 1024))) }

                let restart = try await Self.restart(usher, control: control)
                #expect(restart.exitCode == 0, "\(restart.standardError)")
                #expect(restart.standardOutput.contains("100 pending and 100 proxied connections"), "\(restart.standardOutput)")
                #expect(Self.successors(of: control).count == 1, "the new usher runs")
                try await usher.waitForExit(timeout: .seconds(30))

                let listing = try await UsherDaemon.client(["ls", "--json"], control: control)
                #expect(listing.standardOutput.contains(#""id":"r101""#) && listing.standardOutput.contains(#""id":"r200""#))
                #expect(listing.standardOutput.contains(#""preview":"waiting 7␊""#), "caller data kept: \(listing.standardOutput.prefix(400))")
                for (index, client) in proxied.enumerated() {
                    try await client.send(Array(payloads[index].dropFirst(16 * 1024)))
                    let echoed = try await client.read(atLeast: payloads[index].count)
                    #expect(echoed == payloads[index], "stream \(index) byte-exact across the hand-over")
                }
                let decided = try await UsherDaemon.client(["accept", "all"], control: control)
                #expect(decided.exitCode == 0, "\(decided.standardError)")
                for (index, client) in pending.enumerated() {
                    let waiting = Array("waiting \(index)\n".utf8)
                    #expect(try await client.read(atLeast: waiting.count) == waiting, "request \(index) kept its place and its caller data")
                }
                let next = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await next.send("after\n")
                try await UsherDaemon.waitForRequest("r201", control: control)
                for client in proxied + pending + [next] { client.close() }
                Self.stopSuccessors(of: control)
                try await Self.waitForSuccessorsToEnd(of: control)
            }
        }
    }

    @Test("usher watch sees the hand-over and goes on with the new process by itself")
    func watchFollows() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", "none", "--policy", "accept"]) { usher, control in
            defer { Self.stopSuccessors(of: control) }
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: "watching")
                let restart = try await UsherDaemon.client(["restart"], control: control, timeout: .seconds(90))
                #expect(restart.exitCode == 0, "\(restart.standardError)")
                try await watch.log.waitForLine(containing: "took over from pid \(usher.processIdentifier)")
                try await watch.log.waitForLine(containing: "subscribing to pid")
                try await watch.log.waitForLine(containing: "subscribed again")
                let answer = try await Curl.get(port: port, path: "/after")
                #expect(answer.standardOutput.contains("You sent: GET /after"))
                try await watch.log.waitForLine(containing: "accepted", "r1")
            }
            Self.stopSuccessors(of: control)
            try await Self.waitForSuccessorsToEnd(of: control)
        }
    }

    @Test("a new process that cannot start leaves the old one serving, and says why")
    func failedSuccessor() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-restart-failed")
        let file = folder.path + "/usher.toml"
        try "policy = \"accept\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await UsherDaemon.with(["serve", "--config", file, "--listen", "127.0.0.1:0", "--journal", "none"]) { usher, control in
            defer { Self.stopSuccessors(of: control) }
            let port = try await usher.readyPort()
            let held = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await held.send("ping\n")
            #expect(try await held.read(atLeast: 5) == Array("ping\n".utf8))
            try "policy = \"sideways\"\n".write(toFile: file, atomically: true, encoding: .utf8)
            let restart = try await UsherDaemon.client(["restart"], control: control, timeout: .seconds(90))
            #expect(restart.exitCode == 1)
            #expect(restart.standardError.contains("restart failed, this usher"), "\(restart.standardError)")
            try await usher.log.waitForLine(containing: "restart failed")
            try await held.send("pong\n")
            #expect(try await held.read(atLeast: 5) == Array("pong\n".utf8), "the old usher still relays")
            let fresh = try await Curl.get(port: port, path: "/still", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(fresh.standardOutput == "200", "and still takes connections")
            held.close()
        }
        withExtendedLifetime(folder) {}
    }
}
