import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher ls/listeners/accept/reject/defer/watch` as separate processes against a running
/// `usher serve`, with curl as the waiting clients.
@Suite("usher control commands", .timeLimit(.minutes(3)))
struct ControlCommandTests {
    @Test("ls shows curl's request; accept, reject --reset and defer reach curl; watch --json shows it all")
    func operatorSession() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { usher, control in
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--json", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: #""type":"snapshot""#)
                async let first = Curl.get(port: port, path: "/first")
                try await waitForPending(1, control: control)
                async let second = Curl.get(port: port, path: "/second")
                try await waitForPending(2, control: control)
                async let third = Curl.get(port: port, path: "/third", maxTime: 60)
                try await waitForPending(3, control: control)

                let listing = try await UsherDaemon.client(["ls"], control: control)
                #expect(listing.exitCode == 0, "\(listing.standardError)")
                let rows = listing.standardOutput.split(separator: "\n")
                #expect(rows.first?.hasPrefix("ID  STATE    AGE") == true, "\(listing.standardOutput)")
                #expect(rows.count == 4)
                #expect(rows[1].contains("r1") && rows[1].contains("127.0.0.1:") && rows[1].contains("GET /first HTTP/1.1 Host: 127.0.0.1:\(port)"))

                let accepted = try await UsherDaemon.client(["accept", "r1"], control: control)
                #expect(accepted.standardOutput == "r1 accepted\n", "\(accepted.standardError)")
                let firstAnswer = try await first
                #expect(firstAnswer.exitCode == 0)
                #expect(firstAnswer.standardOutput.contains("You sent: GET /first HTTP/1.1"))

                let reset = try await UsherDaemon.client(["reject", "r2", "--reset"], control: control)
                #expect(reset.standardOutput == "r2 reset\n", "\(reset.standardError)")
                let secondAnswer = try await second
                #expect(secondAnswer.exitCode == 56, "\(secondAnswer.standardError)")
                #expect(secondAnswer.standardError.contains("reset"))

                let deferred = try await UsherDaemon.client(["defer", "r3", "--for", "5s"], control: control)
                #expect(deferred.standardOutput == "r3 deferred\n", "\(deferred.standardError)")
                let state = try await UsherDaemon.client(["ls", "--json"], control: control)
                let requests = try JSONSerialization.jsonObject(with: Data(state.standardOutput.utf8)) as? [[String: Any]]
                #expect(requests?.first?["state"] as? String == "deferred")
                #expect(requests?.first?["id"] as? String == "r3")
                #expect(requests?.first?["deferred_until"] is String, "ls says until when")
                try await watch.log.waitForLine(containing: #""kind":"deferred""#, #""id":"r3""#)
                _ = try await UsherDaemon.client(["accept", "r3"], control: control)
                #expect(try await third.exitCode == 0)

                // Each accepted request's proxied connection ends once curl has its answer (the
                // SwiftNIO data path, kept for comparison, reports no end).
                let closes = ProcessInfo.processInfo.environment["USHER_DATA_PATH"] != "nio"
                if closes {
                    try await watch.log.waitForLine(containing: #""kind":"closed""#, #""id":"r3""#)
                    try await watch.log.waitForLine(containing: #""kind":"closed""#, #""id":"r1""#)
                }
                let closed = closes ? ["closed"] : []
                let all = watch.log.lines.compactMap(Self.eventSummary)
                #expect(all.contains("data r1"), "curl's request line arrives as a data event")
                let kinds = all.filter { !$0.hasPrefix("data ") }
                #expect(kinds.filter { $0.hasSuffix("r1") } == (["arrived", "outcome", "outcome", "accepted"] + closed).map { "\($0) r1" })
                #expect(kinds.filter { $0.hasSuffix("r2") } == ["arrived r2", "outcome r2", "outcome r2", "rejected r2"])
                #expect(kinds.filter { $0.hasSuffix("r3") }
                    == (["arrived", "outcome", "outcome", "deferred", "outcome", "accepted"] + closed).map { "\($0) r3" })
                #expect(watch.log.lines.contains { $0.contains(#""kind":"rejected""#) && $0.contains(#""mode":"reset""#) })
            }
        }
    }

    @Test("watch prints every lifecycle event of a scripted scenario, in order")
    func watchInOrder() async throws {
        // The timeout leaves room for `usher accept` to start on a loaded machine before r1 expires;
        // the test learns of each arrival from watch itself, not from a process per look.
        _ = try await UsherDaemon.with(serveOnFreePort + ["--pending-timeout", "10s"]) { usher, control in
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: "watching 127.0.0.1:\(port)", "0 pending")
                let accepted = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await accepted.send("ping\n")
                try await watch.log.waitForLine(containing: "r1", "arrived")
                let decided = try await UsherDaemon.client(["accept", "r1"], control: control)
                #expect(decided.exitCode == 0, "\(decided.standardError)")
                #expect(try await accepted.read(atLeast: 5) == Array("ping\n".utf8))
                let withdrawn = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await watch.log.waitForLine(containing: "r2", "arrived")
                withdrawn.close()
                try await watch.log.waitForLine(containing: "r2", "withdrawn")
                let expired = try await TCPClient.connect(to: "127.0.0.1", port: port)
                #expect(try await expired.waitForClose(timeout: .seconds(60)) == .eof)
                try await watch.log.waitForLine(containing: "r3", "expired")
                let all = watch.log.lines.dropFirst().map { line in
                    line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().prefix(2).joined(separator: " ")
                }
                #expect(all.contains("r1 data"), "the ping arrives as a data event")
                let steps = all.filter { !$0.hasSuffix(" data") }
                #expect(steps == [
                    "r1 arrived", "r1 outcome", "r1 outcome", "r1 accepted",
                    "r2 arrived", "r2 outcome", "r2 withdrawn",
                    "r3 arrived", "r3 outcome", "r3 outcome", "r3 expired",
                ], "\(watch.log.lines.joined(separator: "\n"))")
                #expect(watch.log.lines.contains { $0.contains("r1") && $0.contains("accepted") && $0.contains("by \(UserName.current) (uid \(getuid()), pid") })
                #expect(watch.log.lines.contains { $0.contains("r3") && $0.contains("expired") && $0.contains("action reject by timeout") })
                accepted.close()
            }
        }
    }

    @Test("two operators race on 100 requests: each is decided exactly once")
    func operatorsRace() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { usher, control in
            let port = try await usher.readyPort()
            var clients: [TCPClient] = []
            for _ in 0..<100 {
                clients.append(try await TCPClient.connect(to: "127.0.0.1", port: port))
            }
            try await waitForPending(100, control: control)
            let ids = (1...100).map { "r\($0)" }
            async let accepting = UsherDaemon.client(["accept", "--json"] + ids, control: control)
            async let rejecting = UsherDaemon.client(["reject", "--json"] + ids.reversed(), control: control)
            let (accepted, rejected) = try await (accepting, rejecting)
            let acceptedIDs = try Self.succeeded(accepted)
            let rejectedIDs = try Self.succeeded(rejected)
            #expect(acceptedIDs.isDisjoint(with: rejectedIDs))
            #expect(acceptedIDs.union(rejectedIDs) == Set(ids))
            #expect(accepted.exitCode == (acceptedIDs.count == 100 ? 0 : 1))
            let listeners = try await UsherDaemon.client(["listeners", "--json"], control: control)
            let counters = try #require(
                (try JSONSerialization.jsonObject(with: Data(listeners.standardOutput.utf8)) as? [[String: Any]])?
                    .first?["counters"] as? [String: Any])
            try await poll("every request finished", every: .milliseconds(100)) {
                let now = try? await UsherDaemon.client(["listeners", "--json"], control: control)
                return now?.standardOutput.contains(#""pending":0"#) == true
            }
            #expect((counters["arrived"] as? Int) == 100)
            #expect((counters["conserved"] as? Bool) == true)
            for client in clients { client.close() }
        }
    }

    @Test("a peer that is neither the daemon's user nor root is refused with a reason; observers may only watch",
          .enabled(if: getuid() == 0, "needs root to run a client as another user (setpriv)"))
    func refusedAndObserverPeers() async throws {
        let folder = try TemporaryDirectory()
        chmod(folder.path, 0o755)
        let control = folder.path + "/control.sock"
        _ = try await UsherDaemon.with(serveOnFreePort + ["--observers", "nogroup"], environment: ["USHER_CONTROL": control]) { usher, control in
            _ = try await usher.readyPort()
            let usherPath = try UsherExecutable.path()
            let observer = try await ProcessRunner.run(
                "setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", usherPath, "listeners", "--control", control])
            #expect(observer.exitCode == 0, "\(observer.standardError)")
            #expect(observer.standardOutput.contains("LISTENER"))
            let deciding = try await ProcessRunner.run(
                "setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", usherPath, "accept", "all", "--control", control])
            #expect(deciding.exitCode == 1)
            #expect(deciding.standardError.contains("is an observer here: it may watch, not decide"), "\(deciding.standardError)")

            chmod(control, 0o666)  // as if an administrator opened the socket to everyone
            let stranger = try await ProcessRunner.run(
                "setpriv", ["--reuid=65534", "--regid=12345", "--clear-groups", usherPath, "ls", "--control", control])
            #expect(stranger.exitCode == 1)
            #expect(stranger.standardError.contains("may not use this control socket"), "\(stranger.standardError)")
            try await usher.log.waitForLine(containing: "control connection refused")
        }
    }

    @Test("no daemon: exit 69 naming the socket; a live socket is refused, a stale one replaced")
    func socketLifecycle() async throws {
        let folder = try TemporaryDirectory()
        let missing = try await UsherDaemon.client(["ls"], control: folder.path + "/none.sock")
        #expect(missing.exitCode == 69)
        #expect(missing.standardError.contains("no usher daemon answers at \(folder.path)/none.sock (no such socket)"))

        let stale = folder.path + "/stale.sock"
        let python = try await ProcessRunner.run(
            "python3", ["-c", "import socket; s = socket.socket(socket.AF_UNIX); s.bind('\(stale)'); s.listen(1)"])
        #expect(python.exitCode == 0)
        let refused = try await UsherDaemon.client(["ls"], control: stale)
        #expect(refused.exitCode == 69)
        #expect(refused.standardError.contains("connection refused"))
        _ = try await UsherDaemon.with(serveOnFreePort, environment: ["USHER_CONTROL": stale]) { usher, control in
            _ = try await usher.readyPort()
            #expect(usher.log.count(containing: "removed stale control socket") == 1)
            let second = try await ProcessRunner.run(
                try UsherExecutable.path(), serveOnFreePort + ["--control", control], timeout: .seconds(60))
            #expect(second.exitCode == 1)
            #expect(second.standardError.contains("another usher (pid \(usher.processIdentifier)) is serving the control socket \(control)"))
            #expect(try await UsherDaemon.client(["ls"], control: control).exitCode == 0)
        }
        #expect(access(stale, F_OK) != 0, "the socket is removed when the daemon stops")
    }

    @Test("bad selections are usage errors")
    func usageErrors() async throws {
        let folder = try TemporaryDirectory()
        let control = folder.path + "/c.sock"
        let cases: [([String], String)] = [
            (["accept"], "name at least one request ID (r17), 'all', or a filter"),
            (["accept", "x7"], "'x7' is not a request ID"),
            (["reject", "r1", "--reset", "--message", "hi"], "use one or the other"),
            (["defer", "r1", "--for", "soon"], "'soon' is not a duration"),
            (["ls", "--peer", "10.0.0.0/99"], "bad prefix length"),
        ]
        for (arguments, message) in cases {
            let result = try await UsherDaemon.client(arguments, control: control)
            #expect(result.exitCode == 64, "\(arguments)")
            #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    @Test("socat: a request without its newline is not executed and says so; with it, it is answered")
    func unterminatedRequestThroughSocat() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { usher, control in
            let port = try await usher.readyPort()
            async let curl = Curl.get(port: port, maxTime: 60)
            try await waitForPending(1, control: control)
            let request = #"{"v":1,"id":1,"op":"decide","ids":["r1"],"decision":"accept"}"#
            let unterminated = try await Self.socat(request, control: control)
            #expect(unterminated.contains(#""code":"unterminated_line""#), "\(unterminated)")
            try await waitForPending(1, control: control)
            let answered = try await Self.socat(request + "\n", control: control)
            #expect(answered.contains(#""type":"decided""#) && answered.contains(#""ok":true"#), "\(answered)")
            #expect(try await curl.exitCode == 0)
        }
    }

    // MARK: Helpers

    /// What the daemon answers `input` sent through `socat -t 2` (which half-closes after it).
    private static func socat(_ input: String, control: String) async throws -> String {
        let escaped = input.replacingOccurrences(of: "'", with: "'\\''")
        let output = try await ProcessRunner.run(
            "sh", ["-c", "printf '%s' '\(escaped)' | socat -t 2 - UNIX-CONNECT:\(control)"], timeout: .seconds(60))
        return output.standardOutput
    }

    private func waitForPending(_ count: Int, control: String) async throws {
        try await UsherDaemon.waitForPending(count, control: control)
    }

    /// `arrived r1` for an event line of `watch --json`.
    private static func eventSummary(_ line: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              object["type"] as? String == "event",
              let event = object["event"] as? [String: Any],
              let kind = event["kind"] as? String,
              let request = event["request"] as? [String: Any],
              let id = request["id"] as? String
        else { return nil }
        return "\(kind) \(id)"
    }

    private static func succeeded(_ output: ProcessOutput) throws -> Set<String> {
        let results = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]] ?? []
        #expect(results.count == 100, "\(output.standardError)")
        return Set(results.filter { $0["ok"] as? Bool == true }.compactMap { $0["request"] as? String })
    }
}
