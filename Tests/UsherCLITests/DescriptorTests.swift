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
            try await poll("a steady baseline", every: .milliseconds(200), timeout: .seconds(10)) {
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
            try await poll("40 clients proxied", timeout: .seconds(15)) { Self.openDescriptors(pid) >= baseline + 40 }
            for (index, client) in clients.enumerated() {
                if index.isMultiple(of: 3) { client.shutdownWrite() } else { client.close() }
            }
            try await Task.sleep(for: .milliseconds(200))
            for client in clients { client.close() }
            try await poll("the descriptors back to \(baseline)", timeout: .seconds(15)) { Self.openDescriptors(pid) <= baseline }
        }
    }
}
