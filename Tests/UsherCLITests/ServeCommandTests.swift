import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher serve` as a separate process, driven by real clients (curl).
@Suite("usher serve", .timeLimit(.minutes(2)))
struct ServeCommandTests {
    @Test("curl gets the demo upstream's answer under --policy accept; SIGTERM exits 0")
    func curlGetsDemoAnswer() async throws {
        let (_, exit) = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept"]) { usher, _ in
            let port = try await usher.readyPort()
            let curl = try await Curl.get(port: port, path: "/hello", ["-i"])
            #expect(curl.exitCode == 0, "\(curl.standardError)")
            #expect(curl.standardOutput.hasPrefix("HTTP/1.1 200 OK"))
            #expect(curl.standardOutput.contains("usher"))
            #expect(curl.standardOutput.contains("You sent: GET /hello HTTP/1.1"))
            try await usher.log.waitForLine(containing: "info", "accepted", "id=r1", "by=policy")
            usher.send(signal: SIGTERM)
            try await usher.waitForExit()
        }
        #expect(exit.exitCode == 0, "\(exit.lines.joined(separator: "\n"))")
        #expect(exit.lines.contains { $0.contains("arrived") && $0.contains("id=r1") && $0.contains("peer=127.0.0.1:") })
        #expect(exit.lines.contains { $0.contains("stopped") && $0.contains("accepted=1") && $0.contains("arrived=1") })
    }

    @Test("with --upstream, an HTTP server's 1 MiB body arrives byte-exact")
    func upstreamBodyIsByteExact() async throws {
        let folder = try TemporaryDirectory()
        let body = try writeRandomFile(folder.path + "/blob.bin", count: 1 << 20)
        _ = try await BackgroundProcess.with(
            "python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
        ) { server in
            let line = try await server.log.waitForLine(containing: "Serving HTTP on 127.0.0.1 port")
            let upstreamPort = try #require(line.split(separator: " ").drop { $0 != "port" }.dropFirst().first.flatMap { Int($0) })
            _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept", "--upstream", "127.0.0.1:\(upstreamPort)"]) { usher, _ in
                let port = try await usher.readyPort()
                let output = folder.path + "/received.bin"
                let curl = try await Curl.get(port: port, path: "/blob.bin", ["-o", output])
                #expect(curl.exitCode == 0, "\(curl.standardError)")
                let received = readFile(output)
                #expect(received.count == body.count)
                #expect(received.elementsEqual(body), "the body differs from the file")
            }
        }
    }

    @Test("--policy reject --reject-message gives curl that status")
    func rejectMessage() async throws {
        let arguments = serveOnFreePort + ["--policy", "reject", "--reject-message", #"HTTP/1.0 503 busy\r\n\r\n"#]
        _ = try await UsherDaemon.with(arguments) { usher, _ in
            let port = try await usher.readyPort()
            let curl = try await Curl.get(port: port, ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(curl.standardOutput == "503", "\(curl.standardError)")
            try await usher.log.waitForLine(containing: "rejected", "id=r1", "by=policy", "mode=close")
        }
    }

    @Test("--policy reject --reject-mode reset makes curl see a reset")
    func rejectWithReset() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "reject", "--reject-mode", "reset"]) { usher, _ in
            let port = try await usher.readyPort()
            let curl = try await Curl.get(port: port)
            // The reset may reach curl while it reads (56: "reset by peer"), while it sends its
            // request (55: "send failure: reset by peer") or, when usher is that quick, while it
            // still connects (7: as if the connection were refused).
            #expect([56, 55, 7].contains(curl.exitCode), "curl: \(curl.standardError)")
            try await usher.log.waitForLine(containing: "rejected", "id=r1", "mode=reset")
        }
    }

    @Test("--policy ask --pending-timeout 1s gives curl an error after about a second")
    func askTimesOut() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "ask", "--pending-timeout", "1s"]) { usher, _ in
            let port = try await usher.readyPort()
            let start = ContinuousClock.now
            let curl = try await Curl.get(port: port)
            let elapsed = ContinuousClock.now - start
            #expect(curl.exitCode == 52, "curl: \(curl.standardError)")
            #expect(elapsed >= .milliseconds(900), "curl's error came after \(elapsed), before the timeout")
            try await usher.log.waitForLine(containing: "expired", "id=r1", "action=reject", "by=timeout")
        }
    }

    @Test("SIGTERM and SIGINT with a pending request apply the timeout action, then exit 0",
          arguments: [(SIGTERM, "reject"), (SIGINT, "accept")])
    func gracefulStopWithPending(signal: Int32, action: String) async throws {
        let arguments = serveOnFreePort + ["--policy", "ask", "--timeout-action", action]
        let (curl, exit) = try await UsherDaemon.with(arguments) { usher, _ in
            let port = try await usher.readyPort()
            async let curl = Curl.get(port: port)
            try await usher.log.waitForLine(containing: "arrived", "id=r1")
            usher.send(signal: signal)
            try await usher.waitForExit()
            return try await curl
        }
        #expect(exit.exitCode == 0, "\(exit.lines.joined(separator: "\n"))")
        #expect(exit.lines.contains { $0.contains("expired") && $0.contains("by=shutdown") && $0.contains("action=\(action)") })
        if action == "accept" {
            #expect(curl.exitCode == 0 && curl.standardOutput.contains("usher"), "\(curl.standardError)")
        } else {
            #expect(curl.exitCode == 52, "\(curl.standardError)")
        }
    }

    @Test("a port in use exits 1 naming the address")
    func portInUse() async throws {
        let busy = try StuckListener(backlog: 1)
        let result = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--listen", "127.0.0.1:\(busy.port)"])
        #expect(result.exitCode == 1)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.last == "usher: cannot listen on 127.0.0.1:\(busy.port): address already in use")
    }

    @Test("--log-format json writes one JSON object per line with the event's fields")
    func jsonLog() async throws {
        let (_, exit) = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept", "--log-format", "json"]) { usher, _ in
            let port = try await usher.log.waitForLine(containing: "\"event\":\"ready\"")
                .split(separator: ",").first { $0.contains("listeners") }
                .flatMap { $0.split(separator: ":").last?.filter(\.isNumber) }
                .flatMap { Int($0) }
            let curl = try await Curl.get(port: try #require(port))
            #expect(curl.exitCode == 0)
            try await usher.log.waitForLine(containing: "\"event\":\"accepted\"")
        }
        let objects = try exit.lines.map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        }
        #expect(objects.allSatisfy { $0?["ts"] != nil && $0?["level"] != nil && $0?["event"] != nil })
        let accepted = try #require(objects.compactMap { $0 }.first { $0["event"] == "accepted" })
        #expect(accepted["id"] == "r1" && accepted["by"] == "policy" && accepted["peer"]?.hasPrefix("127.0.0.1:") == true)
    }

    @Test("with few file descriptors, usher holds what fits, the rest wait in the backlog, and all are answered")
    func outOfFileDescriptors() async throws {
        let usherPath = try UsherExecutable.path()
        let folder = try TemporaryDirectory()
        let command = "ulimit -n 48; exec \(usherPath) serve --listen 127.0.0.1:0 --pending-timeout 300ms --timeout-action accept"
        _ = try await BackgroundProcess.with("bash", ["-c", command], environment: ["USHER_CONTROL": folder.path + "/c.sock"]) { usher in
            let port = try await usher.readyPort()
            try await usher.log.waitForLine(containing: "ready", "max_connections=8")
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                        try await client.send("GET /fd HTTP/1.0\r\n\r\n")
                        return String(decoding: try await client.readToEnd(timeout: .seconds(30)), as: UTF8.self)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 40)
            let failed = answers.filter { !$0.hasPrefix("HTTP/1.0 200 OK") }
            #expect(failed.isEmpty, "\(failed.count) not answered: \(failed.prefix(3)); log:\n\(usher.log.lines.filter { !$0.contains("arrived") }.suffix(30).joined(separator: "\n"))")
            #expect(usher.log.count(containing: "paused", "connection limit reached") >= 1)
            #expect(usher.log.count(containing: "accept failed") == 0, "descriptors never ran out")
        }
    }

    @Test("SIGTERM as soon as the ready line appears still stops gracefully", arguments: 0..<3)
    func signalRightAfterReady(attempt: Int) async throws {
        let (_, exit) = try await UsherDaemon.with(serveOnFreePort) { usher, _ in
            _ = try await usher.readyPort()
            usher.send(signal: SIGTERM)
            try await usher.waitForExit()
        }
        #expect(exit.exitCode == 0, "\(exit.lines.joined(separator: "\n"))")
        #expect(exit.lines.last?.contains("stopped") == true)
    }
}
