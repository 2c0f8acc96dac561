import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher serve` under systemd's eyes: the messages it sends to `$NOTIFY_SOCKET`, as a Python
/// listener receives them.
@Suite("systemd notifications", .timeLimit(.minutes(2)))
struct SystemdTests {
    /// Binds a datagram socket at argv[1] and prints each message on one line, its lines
    /// joined by `|`.
    static let listener = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sys.argv[1])
        print("listening", flush=True)
        while True:
            print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
        """

    @Test("READY=1 once listening, STATUS= with the counts, WATCHDOG=1, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 at SIGTERM")
    func notifications() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-systemd")
        let socket = folder.path + "/notify.sock"
        let rules = folder.path + "/rules.toml"
        #expect(FileManager.default.createFile(atPath: rules, contents: Data("[default]\naction = \"ask\"\n".utf8)))
        _ = try await BackgroundProcess.with("python3", ["-u", "-c", Self.listener, socket]) { systemd in
            try await systemd.log.waitForLine(containing: "listening")
            let environment = ["NOTIFY_SOCKET": socket, "WATCHDOG_USEC": "400000"]
            let (_, exit) = try await UsherDaemon.with(serveOnFreePort + ["--rules", rules], environment: environment) { usher, control in
                let port = try await usher.readyPort()
                try await systemd.log.waitForLine(containing: "READY=1", "STATUS=0 pending, 0 waiting for an operator, 0 proxied")
                let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await systemd.log.waitForLine(containing: "STATUS=1 pending, 1 waiting for an operator, 0 proxied")
                try await systemd.log.waitForLine(containing: "WATCHDOG=1")
                usher.send(signal: SIGHUP)
                try await systemd.log.waitForLine(containing: "RELOADING=1", "MONOTONIC_USEC=")
                let reloading = try #require(systemd.log.lines.lastIndex { $0.contains("RELOADING=1") })
                try await poll("READY=1 after the reload", every: .milliseconds(50), timeout: .seconds(60)) {
                    systemd.log.lines[(reloading + 1)...].contains { $0.hasPrefix("READY=1") }
                }
                usher.send(signal: SIGTERM)
                try await systemd.log.waitForLine(containing: "STOPPING=1")
                try await usher.waitForExit()
                client.close()
                _ = control
            }
            #expect(exit.exitCode == 0)
        }
    }
}

extension SystemdTests {
    @Test("after usher restart the new process says MAINPID= with its pid and READY=1; the old one never says STOPPING=1")
    func restart() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-systemd-restart")
        let socket = folder.path + "/notify.sock"
        _ = try await BackgroundProcess.with("python3", ["-u", "-c", Self.listener, socket]) { systemd in
            try await systemd.log.waitForLine(containing: "listening")
            _ = try await UsherDaemon.with(serveOnFreePort, environment: ["NOTIFY_SOCKET": socket]) { usher, control in
                defer { RestartTests.stopSuccessors(of: control) }
                _ = try await usher.readyPort()
                try await systemd.log.waitForLine(containing: "MAINPID=\(usher.processIdentifier)", "READY=1")
                let restart = try await RestartTests.restart(usher, control: control)
                #expect(restart.exitCode == 0, "\(restart.standardError)\n--- the daemons' log ---\n\(usher.log.lines.suffix(40).joined(separator: "\n"))")
                let successor = try #require(RestartTests.successors(of: control).first)
                try await systemd.log.waitForLine(containing: "MAINPID=\(successor)", "READY=1")
                try await usher.waitForExit()
                #expect(!systemd.log.lines.contains { $0.contains("STOPPING=1") }, "the service did not stop: \(systemd.log.lines)")
                RestartTests.stopSuccessors(of: control)
                try await systemd.log.waitForLine(containing: "STOPPING=1")
                try await RestartTests.waitForSuccessorsToEnd(of: control)
            }
        }
    }
}

/// `usher serve --listen fd:NAME` started by `systemd-socket-activate`, as a socket unit would
/// start it: the listening socket is systemd's, opened before usher ran.
@Suite(
    "systemd socket activation", .timeLimit(.minutes(2)),
    .enabled(if: access("/usr/bin/systemd-socket-activate", X_OK) == 0, "needs systemd-socket-activate (Debian's systemd package)"))
struct SocketActivationTests {
    @Test("the first client starts usher on systemd's socket; it is gated as usual, and a wrong name is a clear error")
    func activation() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-activation")
        let control = folder.path + "/control.sock"
        // A free port, given to systemd-socket-activate (it takes an address, not port 0); another
        // one if another test bound it meanwhile.
        for attempt in 1...5 {
            if try await Self.activate(control: control, lastAttempt: attempt == 5) { break }
        }
        let direct = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--listen", "fd:api", "--control", folder.path + "/c2.sock"])
        #expect(direct.exitCode == 64)
        #expect(direct.standardError.contains("--listen fd:api: systemd passed no such socket"), "\(direct.standardError)")
    }

    /// usher started by systemd-socket-activate on a free port, gated, restarted; `false` when
    /// the port was taken before systemd-socket-activate could bind it.
    private static func activate(control: String, lastAttempt: Bool) async throws -> Bool {
        let probe = try RawListener()
        let port = probe.port
        probe.close()
        let arguments = [
            "-l", "127.0.0.1:\(port)", "--fdname=web", try UsherExecutable.path(), "serve", "--listen", "fd:web",
            "--policy", "accept", "--control", control, "--journal", "none",
        ]
        return try await BackgroundProcess.with("systemd-socket-activate", arguments) { activator in
            do {
                try await activator.log.waitForLine(containing: "Listening on 127.0.0.1:\(port)")
            } catch where !lastAttempt && activator.log.lines.contains(where: { $0.contains("Address already in use") }) {
                return false
            }
            // The connection waits in systemd's socket while usher starts.
            let answer = try await Curl.get(port: port, path: "/activated")
            #expect(answer.standardOutput.contains("You sent: GET /activated"), "\(answer.standardError)")
            let ready = try await activator.log.waitForLine(containing: "ready", "listeners=127.0.0.1:\(port)")
            #expect(ready.contains("listeners=127.0.0.1:\(port)"))
            let listing = try await UsherDaemon.client(["listeners"], control: control)
            #expect(listing.standardOutput.contains("127.0.0.1:\(port)"))
            // A restart hands systemd's socket on under its name.
            defer { RestartTests.stopSuccessors(of: control) }
            let restart = try await UsherDaemon.client(["restart"], control: control, timeout: .seconds(90))
            #expect(restart.exitCode == 0, "\(restart.standardError)")
            let after = try await Curl.get(port: port, path: "/restarted")
            #expect(after.standardOutput.contains("You sent: GET /restarted"), "\(after.standardError)")
            let again = try await UsherDaemon.client(["listeners"], control: control)
            #expect(again.standardOutput.contains("127.0.0.1:\(port)"), "\(again.standardOutput)")
            RestartTests.stopSuccessors(of: control)
            try await RestartTests.waitForSuccessorsToEnd(of: control)
            return true
        }.0
    }
}
