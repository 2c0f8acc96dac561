import Foundation
import Testing
import UsherTestSupport

/// What clients that come and go leave behind in the daemon: nothing (`/proc/PID/fd`).
@Suite("Descriptors after clients leave", .timeLimit(.minutes(2)))
struct DescriptorTests {
    static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    @Test("silent, half-closing and keep-alive clients of the demo upstream leave the daemon's descriptors at their baseline")
    func backToBaseline() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept", "--journal", "none"]) { usher, _ in
            let port = try await usher.readyPort()
            let pid = usher.processIdentifier
            // The baseline, once the daemon has opened what it keeps open.
            var baseline = Self.openDescriptors(pid)
            try await poll("a steady baseline", every: .milliseconds(200), timeout: .seconds(60)) {
                let now = Self.openDescriptors(pid)
                defer { baseline = now }
                return now == baseline
            }
            var clients: [TCPClient] = []
            for _ in 0..<20 { clients.append(try await TCPClient.connect(to: "127.0.0.1", port: port)) }
            for index in 0..<20 {
                let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await client.send(index.isMultiple(of: 2) ? "hello" : "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                clients.append(client)
            }
            try await poll("40 clients proxied", timeout: .seconds(60)) { Self.openDescriptors(pid) >= baseline + 40 }
            for (index, client) in clients.enumerated() {
                if index.isMultiple(of: 3) { client.shutdownWrite() } else { client.close() }
            }
            try await Task.sleep(for: .milliseconds(200))
            for client in clients { client.close() }
            try await poll("the descriptors back to \(baseline)", timeout: .seconds(60)) { Self.openDescriptors(pid) <= baseline }
        }
    }

    @Test(
        "an upstream that never answers a client that finished is closed after --server-fin-timeout; none keeps it; zero is refused",
        .enabled(if: ProcessInfo.processInfo.environment["USHER_DATA_PATH"] != "nio", "the limits are the epoll data path's"))
    func serverFinTimeout() async throws {
        // Never accepts: connections complete into its backlog, and nothing answers or closes them.
        let upstream = try RawListener()
        defer { upstream.close() }
        let options = ["--policy", "accept", "--journal", "none", "--drain-timeout", "1s", "--upstream", "127.0.0.1:\(upstream.port)"]
        _ = try await UsherDaemon.with(serveOnFreePort + options + ["--server-fin-timeout", "1s"]) { usher, _ in
            let port = try await usher.readyPort()
            let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await client.send("GET / HTTP/1.0\r\n\r\n")
            client.shutdownWrite()
            let finished = ContinuousClock.now
            #expect(try await client.waitForClose(timeout: .seconds(60)) == .eof)
            #expect(ContinuousClock.now - finished >= .seconds(1), "not before the limit")
        }
        _ = try await UsherDaemon.with(serveOnFreePort + options + ["--server-fin-timeout", "none"]) { usher, _ in
            let port = try await usher.readyPort()
            let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await client.send("GET / HTTP/1.0\r\n\r\n")
            client.shutdownWrite()
            await #expect(throws: (any Error).self, "still open after 3 s") { try await client.waitForClose(timeout: .seconds(3)) }
            client.close()
        }
        let zero = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--client-fin-timeout", "0s"])
        #expect(zero.exitCode == 64 && zero.standardError.contains("'0s' must be longer than zero; write 'none' for no timeout"), "\(zero.standardError)")
    }
}
