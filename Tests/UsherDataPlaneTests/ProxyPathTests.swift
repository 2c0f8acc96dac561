import Foundation
import NIOPosix
import Synchronization
import Testing
import UsherCore
import UsherDataPlane
import UsherGate
import UsherTestSupport

/// The data plane's parts put together as the gate will: a listener's acceptor, a connect to
/// the upstream, a relay. Real clients (curl) against the gate's demo upstream.
@Suite("The data plane's proxy path", .timeLimit(.minutes(1)))
struct ProxyPathTests {
    /// Accepts every connection and relays it to `upstream`, on one loop thread.
    final class AcceptAll: Sendable {
        let loop: EventLoop
        let relayed = Atomic<Int>(0)
        let failedConnects = Atomic<Int>(0)
        /// Touched on the loop's thread only.
        private final class OnLoop: @unchecked Sendable { var acceptor: Acceptor? }
        private let onLoop = OnLoop()
        let port: Int

        init(upstream: Endpoint) async throws {
            let upstream = try UsherDataPlane.SocketAddress(upstream)
            let loop = try EventLoop.started()
            self.loop = loop
            let listener = try ListeningSocket(Endpoint(host: "127.0.0.1", port: 0), backlog: 128)
            port = listener.address.port
            let failure = Mutex<String?>(nil)
            try await loop.perform { [self] in
                let pool = BufferPool()
                do {
                    onLoop.acceptor = try Acceptor(listener, loop: loop) { [self] accepted in
                        Connector(to: upstream, timeout: .seconds(5), loop: loop) { [self] result in
                            switch result {
                            case .success(let connected):
                                _ = try? Relay(client: accepted.descriptor, upstream: connected.descriptor, loop: loop, pool: pool) { [self] _, _ in
                                    relayed.add(1, ordering: .relaxed)
                                }
                            case .failure:
                                failedConnects.add(1, ordering: .relaxed)
                                Socket.reset(accepted.descriptor)
                            }
                        }
                    }
                } catch {
                    failure.withLock { $0 = "\(error)" }
                }
            }
            if let problem = failure.withLock({ $0 }) { throw DataPlaneError(problem, code: EIO) }
        }

        /// Pauses or resumes the acceptor, on the loop; returns once done.
        func setPaused(_ paused: Bool) async throws {
            try await loop.perform { [self] in paused ? onLoop.acceptor?.pause() : onLoop.acceptor?.resume() }
        }

        func stop() {
            loop.stop()
        }
    }

    static func demoUpstream() async throws -> (DemoUpstream, Endpoint) {
        let demo = try await DemoUpstream.start(on: MultiThreadedEventLoopGroup.singleton)
        let port = try #require(demo.address?.port)
        return (demo, Endpoint(host: "127.0.0.1", port: port))
    }

    @Test("60 curls, 6 at a time, each get the demo upstream's answer to their own request")
    func curls() async throws {
        let (demo, upstream) = try await Self.demoUpstream()
        let proxy = try await AcceptAll(upstream: upstream)
        defer { proxy.stop() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for batch in 0..<10 {
                for index in 0..<6 {
                    group.addTask {
                        let path = "/r\(batch)-\(index)"
                        let answer = try await ProcessRunner.run(
                            "curl", ["-sS", "-m", "60", "http://127.0.0.1:\(proxy.port)\(path)"], timeout: .seconds(65))
                        #expect(answer.standardOutput.contains("You sent: GET \(path) HTTP/1.1"), "\(answer.standardError)")
                    }
                }
                try await group.waitForAll()
            }
        }
        try await poll("every relay to end", timeout: .seconds(60)) { proxy.relayed.load(ordering: .relaxed) == 60 }
        await demo.close()
    }

    @Test("an upstream that refuses: the client is reset, not left waiting")
    func refused() async throws {
        // A port nothing listens on, held by a socket bound to it without listening, so that no
        // test running beside this one can be given it.
        let reserved = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(reserved) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(reserved, $0, length) == 0 && getsockname(reserved, $0, &length) == 0 }
        }
        try #require(bound, "a port to refuse connections on")
        let port = Int(UInt16(bigEndian: address.sin_port))
        let proxy = try await AcceptAll(upstream: Endpoint(host: "127.0.0.1", port: port))
        defer { proxy.stop() }
        // The reset may come before the client's own loop has seen its connect complete.
        do {
            let client = try await TCPClient.connect(to: "127.0.0.1", port: proxy.port)
            #expect(try await client.waitForClose() == .reset)
        } catch {
            #expect("\(error)".contains("reset"), "\(error)")
        }
        try await poll("the failed connect counted", timeout: .seconds(5)) { proxy.failedConnects.load(ordering: .relaxed) == 1 }
    }

    @Test("paused, the acceptor leaves clients in the backlog; resumed, it takes them and they are answered")
    func pauseAndResume() async throws {
        let (demo, upstream) = try await Self.demoUpstream()
        let proxy = try await AcceptAll(upstream: upstream)
        defer { proxy.stop() }
        try await proxy.setPaused(true)
        let client = try await TCPClient.connect(to: "127.0.0.1", port: proxy.port)
        try await client.send("ping\n")
        #expect(try await client.staysQuiet(for: .milliseconds(300)), "no answer while paused")
        try await proxy.setPaused(false)
        #expect(try await client.readLine() == "ping", "the demo upstream echoes")
        client.close()
        await demo.close()
    }
}
