import Foundation
import Testing
import UsherTestSupport

/// `usher listeners --host` against the real kernel, with `ss -lntp` as the oracle, and the
/// host listeners pane of the dashboard in a real terminal.
@Suite("Host listeners from the command line", .timeLimit(.minutes(2)))
struct HostListenersCommandTests {
    /// A Python server that listens with a backlog of 5 and never accepts; prints its port.
    static let stuckServer = """
        import socket, time
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
        print(s.getsockname()[1], flush=True); time.sleep(90)
        """

    /// Runs `body` with a stuck server started as a child process: its pid and port.
    static func withStuckServer(_ body: @Sendable (_ pid: Int32, _ port: Int) async throws -> Void) async throws {
        _ = try await BackgroundProcess.with("python3", ["-u", "-c", stuckServer]) { child in
            try await poll("the stuck server's port") { child.log.lines.first.flatMap { Int($0) } != nil }
            try await body(child.processIdentifier, try #require(child.log.lines.first.flatMap { Int($0) }))
        }
    }

    /// `ss -lntpH` for one port: Recv-Q, Send-Q, local address and the users field.
    static func ss(port: Int) async throws -> (depth: Int, limit: Int, address: String, users: String)? {
        let output = try await ProcessRunner.run("ss", ["-lntpH", "sport = :\(port)"])
        let fields = output.standardOutput.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 5, let depth = Int(fields[1]), let limit = Int(fields[2]) else { return nil }
        return (depth, limit, String(fields[3]), fields.dropFirst(5).joined(separator: " "))
    }

    @Test("without a daemon: the same Recv-Q, Send-Q, address and process as ss -lntp, and FULL")
    func agreesWithSS() async throws {
        try await Self.withStuckServer { pid, port in
            let clients = try HalfOpenClients(count: 10, host: "127.0.0.1", port: port)
            defer { clients.close() }
            try await poll("the queue to fill") { (try await Self.ss(port: port)?.depth ?? 0) > 5 }
            let folder = try TemporaryDirectory()
            var row: [Substring] = []
            try await poll("usher and ss to agree", timeout: .seconds(60)) {
                let ss = try await Self.ss(port: port)
                let output = try await UsherDaemon.client(["listeners", "--host"], control: folder.path + "/none.sock")
                #expect(output.exitCode == 0, "\(output.standardError)")
                row = output.standardOutput.split(separator: "\n")
                    .first { $0.contains("127.0.0.1:\(port) ") }?
                    .split(separator: " ", omittingEmptySubsequences: true) ?? []
                guard let ss, row.count >= 6 else { return false }
                return row[1] == "\(ss.depth)" && row[2] == "\(ss.limit)" && row[3] == ss.address
                    && ss.users.contains("pid=\(pid)")
            }
            #expect(Array(row.prefix(3)) == ["LISTEN", "6", "5"])
            #expect(row[4] == "FULL")
            #expect(row[5] == "python3[\(pid)]")
        }
    }

    @Test("with a daemon: JSON lists the gated listener with its kernel depth, then host listeners marked host")
    func json() async throws {
        let arguments = ["serve", "--listen", "127.0.0.1:0", "--interval", "100ms"]
        _ = try await UsherDaemon.with(arguments) { usher, control in
            let port = try await usher.readyPort()
            let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
            defer { client.close() }
            var entries: [[String: Any]] = []
            try await poll("the daemon's listener in the host list", every: .milliseconds(100)) {
                let output = try await UsherDaemon.client(["listeners", "--host", "--json"], control: control)
                entries = (try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]]) ?? []
                return entries.contains { $0["host"] as? Bool == true && $0["port"] as? Int == port }
            }
            let gated = try #require(entries.first)
            #expect(gated["host"] == nil)
            #expect(gated["kernel_depth"] as? Int == 0)
            let own = try #require(entries.first { $0["host"] as? Bool == true && $0["port"] as? Int == port })
            let processes = try #require(own["processes"] as? [[String: Any]])
            #expect(processes.first?["pid"] as? Int32 == usher.processIdentifier)
            #expect(processes.first?["command"] as? String == "usher")
            #expect(own["limit"] as? Int == 4096 || (own["limit"] as? Int ?? 0) > 0)

            let text = try await UsherDaemon.client(["listeners", "--host"], control: control)
            #expect(text.standardOutput.contains("RECV-Q  SEND-Q  LOCAL ADDRESS:PORT"))
            #expect(text.standardOutput.contains("usher[\(usher.processIdentifier)]"))
            #expect(text.standardOutput.contains("somaxconn"))
        }
    }

    @Test("as another user: root's listener is still listed, without its process, and the table says why",
          .enabled(if: getuid() == 0, "needs root to run the command as another user (setpriv)"))
    func withoutPermission() async throws {
        try await Self.withStuckServer { _, port in
            let output = try await ProcessRunner.run(
                "setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", try UsherExecutable.path(),
                            "listeners", "--host", "--control", "/nonexistent/control.sock"])
            #expect(output.exitCode == 0, "\(output.standardError)")
            let row = output.standardOutput.split(separator: "\n").first { $0.contains("127.0.0.1:\(port) ") }
            #expect(row?.split(separator: " ", omittingEmptySubsequences: true).last == "-")
            #expect(output.standardOutput.contains("run as root to see it"))
        }
    }

    @Test("usher serve logs when the kernel queue of its own socket fills up, and when it has room again")
    func kernelQueueLog() async throws {
        let arguments = ["serve", "--listen", "127.0.0.1:0", "--backlog", "2", "--max-pending", "1", "--interval", "100ms"]
        _ = try await UsherDaemon.with(arguments) { usher, _ in
            let port = try await usher.readyPort()
            let clients = try HalfOpenClients(count: 6, host: "127.0.0.1", port: port)
            let full = try await usher.log.waitForLine(containing: "kernel accept queue full", "listener=127.0.0.1:\(port)")
            #expect(full.contains("backlog=2"))
            clients.close()
            try await usher.log.waitForLine(containing: "kernel accept queue has room", "listener=127.0.0.1:\(port)")
        }
    }

    @Test("without --host and without a daemon: exit 69 as before")
    func noDaemon() async throws {
        let folder = try TemporaryDirectory()
        let output = try await UsherDaemon.client(["listeners"], control: folder.path + "/none.sock")
        #expect(output.exitCode == 69)
    }

    @Test("usher run --host: a stuck server fills up on screen with its process; Enter shows its command line")
    func dashboard() async throws {
        try await Self.withStuckServer { pid, port in
            let folder = try TemporaryDirectory(prefix: "usher-host")
            let usher = try UsherExecutable.path()
            let command = [
                usher, "run", "--listen", "127.0.0.1:0", "--host", "--interval", "200ms", "--control",
                folder.path + "/control.sock", "--log-file", folder.path + "/usher.log",
            ]
            try await TmuxSession.with(width: 140, height: 40) { terminal in
                try await terminal.type(command.map(\.shellQuoted).joined(separator: " ") + "; echo usher-exit=$?")
                try await terminal.press("Enter")
                try await terminal.waitFor("Host listeners (", "127.0.0.1:\(port)", "python3[\(pid)]")
                let clients = try HalfOpenClients(count: 10, host: "127.0.0.1", port: port)
                defer { clients.close() }
                let full = try await terminal.waitForScreen("the stuck listener marked FULL") { screen in
                    screen.split(separator: "\n").contains { line in
                        line.contains("127.0.0.1:\(port) ") && line.contains("FULL") && line.contains("python3[\(pid)]")
                    }
                }
                #expect(full.contains("1 full") || full.contains("2 full"))
                let depths = full.split(separator: "\n").drop { !$0.contains("RECV-Q") }.dropFirst()
                    .compactMap { line in line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first.flatMap { Int($0) } }
                #expect(!depths.isEmpty && depths == depths.sorted(by: >), "deepest first: \(depths)")
                try await terminal.press("Enter")
                try await terminal.waitFor("pid \(pid)  python3", "Enter: back to the list")
                try await terminal.press("Enter")
                try await terminal.press("q")
                try await terminal.waitFor("usher-exit=0")
            }
        }
    }
}
