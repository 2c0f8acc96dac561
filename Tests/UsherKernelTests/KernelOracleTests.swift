#if canImport(Glibc)
import Glibc
#endif
import Testing
import UsherCore
import UsherTestSupport
@testable import UsherKernel

/// The netlink dump against the real kernel, with `ss` (iproute2) as the oracle.
@Suite("Host listeners against the kernel and ss", .timeLimit(.minutes(1)))
struct KernelOracleTests {
    /// A listener `ss` also sees: this test's own port, as usher reads it and as `ss` prints it.
    private func compare(port: Int) async throws -> (usher: ListeningSocket, ss: (depth: Int, limit: Int)) {
        var last: (ListeningSocket?, (depth: Int, limit: Int)?) = (nil, nil)
        try await poll("usher and ss to agree on port \(port)", every: .milliseconds(50), timeout: .seconds(30)) {
            let ss = try await KernelBacklog.queue(port: port)
            let mine = try SockDiagSocket().listeners().first { Int($0.port) == port }
            last = (mine, ss)
            return mine != nil && ss != nil && mine?.depth == ss?.depth && mine?.limit == ss?.limit
        }
        return (try #require(last.0), try #require(last.1))
    }

    @Test("listen(5) in a child process with 10 clients: same Recv-Q and Send-Q as ss, saturated, the child's pid")
    func stuckChild() async throws {
        let script = """
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
            print(s.getsockname()[1], flush=True); time.sleep(60)
            """
        _ = try await BackgroundProcess.with("python3", ["-u", "-c", script]) { child in
            try await poll("the child's port") { child.log.lines.first.flatMap { Int($0) } != nil }
            let port = try #require(child.log.lines.first.flatMap { Int($0) })
            let clients = try HalfOpenClients(count: 10, host: "127.0.0.1", port: port)
            defer { clients.close() }
            try await poll("the queue to fill", every: .milliseconds(50), timeout: .seconds(30)) {
                (try await KernelBacklog.queue(port: port)?.depth ?? 0) > 5
            }
            let (usher, ss) = try await compare(port: port)
            #expect(usher.depth == ss.depth)
            #expect(usher.limit == ss.limit)
            #expect(usher.limit == 5)
            #expect(usher.isSaturated)

            let probe = try HostProbe()
            var sampler = HostSampler()
            let view = sampler.record(try probe.sample())
            let listener = try #require(view.listeners.first { Int($0.socket.port) == port })
            #expect(listener.isSaturated)
            #expect(listener.address == "127.0.0.1:\(port)")
            #expect(listener.owners.map(\.pid) == [child.processIdentifier])
            #expect(listener.owners.first?.command == "python3")
            #expect(listener.owners.first?.commandLine.contains("python3 -u -c") == true)
        }
    }

    @Test("IPv6: a listener on ::1 agrees with ss, and its address prints as [::1]:PORT")
    func ipv6() async throws {
        let listener = try StuckListener(backlog: 3, host: "::1")
        defer { listener.close() }
        let clients = try HalfOpenClients(count: 2, host: "::1", port: listener.port)
        defer { clients.close() }
        // Each look runs ss: every 100 ms, with room for a loaded machine.
        try await poll("two connections in the queue", every: .milliseconds(100), timeout: .seconds(30)) {
            (try await KernelBacklog.queue(port: listener.port)?.depth ?? 0) == 2
        }
        let (usher, ss) = try await compare(port: listener.port)
        #expect((usher.depth, usher.limit) == (ss.depth, ss.limit))
        #expect(usher.family == .ipv6)
        #expect(!usher.isSaturated)
        #expect(SocketAddressText.text(of: usher) == "[::1]:\(listener.port)")
    }

    @Test("a listener closed between samples disappears from the view")
    func closedListenerDisappears() async throws {
        let probe = try HostProbe()
        var sampler = HostSampler()
        let listener = try StuckListener(backlog: 8)
        let port = listener.port
        try await poll("the new listener in the view") {
            try sampler.record(probe.sample()).listeners
                .contains { Int($0.socket.port) == port && $0.owners.contains { $0.pid == getpid() } }
        }
        listener.close()
        try await poll("the closed listener to leave the view") {
            try !sampler.record(probe.sample()).listeners.contains { Int($0.socket.port) == port }
        }
    }
}
