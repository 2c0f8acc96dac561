import Foundation
import NIOPosix
import Synchronization
import Testing
import UsherCore
import UsherDataPlane
import UsherGate
import UsherTestSupport

/// A held client on the data plane's loop, as the gate will hold one while its request waits.
@Suite("A held client", .timeLimit(.minutes(1)))
struct HeldClientTests {
    /// A loop, one held connection from a real TCP client, and what the held client reported.
    final class Fixture: Sendable {
        let loop: EventLoop
        let log = Mutex<[String]>([])
        let receivedBytes = Atomic<Int>(0)
        private final class OnLoop: @unchecked Sendable { var held: HeldClient? }
        private let onLoop = OnLoop()
        let client: TCPClient

        init() async throws {
            let loop = try EventLoop.started()
            self.loop = loop
            let listener = try ListeningSocket(Endpoint(host: "127.0.0.1", port: 0), backlog: 4)
            defer { listener.close() }
            client = try await TCPClient.connect(to: "127.0.0.1", port: listener.address.port)
            let descriptor = accept(listener.descriptor, nil, nil)
            try Socket.setNonBlocking(descriptor)
            try await perform { held in
                let events = HeldClient.Events(
                    received: { [self] bytes in
                        receivedBytes.add(bytes.count, ordering: .relaxed)
                        log.withLock { $0.append("received \(bytes.count)") }
                    },
                    finishedSending: { [self] in log.withLock { $0.append("finished sending") } },
                    upstreamConnected: { [self] in log.withLock { $0.append("upstream connected") } },
                    upstreamFailed: { [self] error in log.withLock { $0.append("upstream failed: \(error)") } },
                    closed: { [self] ending in log.withLock { $0.append(ending.map { "relay ended: \($0.0)" } ?? "closed") } })
                held = try? HeldClient(descriptor, loop: loop, pool: BufferPool(), events: events)
            }
        }

        /// Runs `body` with the held client on the loop, and waits for it.
        func perform(_ body: @escaping @Sendable (inout HeldClient?) -> Void) async throws {
            try await loop.perform { [onLoop] in body(&onLoop.held) }
        }

        func waitFor(_ entry: String) async throws {
            try await poll("'\(entry)' in \(log.withLock { $0 })", timeout: .seconds(60)) { log.withLock { $0.contains(entry) } }
        }

        func stop() {
            loop.stop()
        }
    }

    @Test("caller data is reported once each, up to the capture limit; a half-close is reported")
    func callerData() async throws {
        let fixture = try await Fixture()
        defer { fixture.stop() }
        try await fixture.client.send("hello")
        try await fixture.waitFor("received 5")
        try await fixture.client.send([UInt8](repeating: 0x2e, count: 6000))
        try await poll("4096 bytes reported", timeout: .seconds(60)) { fixture.receivedBytes.load(ordering: .relaxed) == CallerData.capacity }
        fixture.client.shutdownWrite()
        try await fixture.waitFor("finished sending")
        #expect(fixture.receivedBytes.load(ordering: .relaxed) == CallerData.capacity, "no byte past the limit")
    }

    @Test("rejected with a reply: the client reads it, then the end; the connection is closed")
    func rejectClose() async throws {
        let fixture = try await Fixture()
        defer { fixture.stop() }
        try await fixture.client.send("hello")
        try await fixture.waitFor("received 5")
        try await fixture.perform { $0?.reject(Rejection(mode: .close, message: Array("not now\n".utf8)), linger: .seconds(5)) }
        #expect(try await fixture.client.readLine() == "not now")
        fixture.client.close()
        try await fixture.waitFor("closed")
    }

    @Test("rejected with a reset: the client sees the reset")
    func rejectReset() async throws {
        let fixture = try await Fixture()
        defer { fixture.stop() }
        try await fixture.perform { $0?.reject(.reset, linger: .seconds(5)) }
        #expect(try await fixture.client.waitForClose() == .reset)
        try await fixture.waitFor("closed")
    }

    @Test("a client that resets while held is gone")
    func withdrawn() async throws {
        let fixture = try await Fixture()
        defer { fixture.stop() }
        fixture.client.reset()
        try await fixture.waitFor("closed")
    }

    @Test("accepted: the upstream gets the bytes sent while held first, then the relay carries the rest")
    func accepted() async throws {
        let demo = try await DemoUpstream.start(on: MultiThreadedEventLoopGroup.singleton)
        let upstream = Endpoint(host: "127.0.0.1", port: try #require(demo.address?.port))
        let fixture = try await Fixture()
        defer { fixture.stop() }
        try await fixture.client.send("GET /held HTTP/1.1\r\nHost: example\r\n")
        try await fixture.waitFor("received 35")
        let address = try UsherDataPlane.SocketAddress(upstream)
        try await fixture.perform { $0?.connect(to: address, timeout: .seconds(5)) }
        try await fixture.waitFor("upstream connected")
        try await fixture.client.send("Connection: close\r\n\r\n")
        let answer = String(decoding: try await fixture.client.readToEnd(), as: UTF8.self)
        #expect(answer.contains("You sent: GET /held HTTP/1.1"), "\(answer)")
        // The upstream has ended its side; the client may still send until it closes too.
        fixture.client.shutdownWrite()
        try await fixture.waitFor("relay ended: finished")
        await demo.close()
    }
}
