import Foundation
import Synchronization
import Testing
import UsherDataPlane
import UsherTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A relay between two real loopback connections: the test's client and upstream are the
/// peers, the relay holds the two accepted sockets on its own loop thread.
@Suite("The data plane's relay", .timeLimit(.minutes(1)))
struct RelayTests {
    /// A loop on its own thread, two listeners, and what the relay reported at its end.
    final class Fixture: Sendable {
        let loop: EventLoop
        let ending = Mutex<(Relay.Ending, Relay.Totals)?>(nil)
        let idleBuffers = Mutex(-1)
        let lentBuffers = Mutex(-1)
        init() throws {
            loop = try EventLoop.started()
        }

        func stop() {
            loop.stop()
        }

        /// Relays between the two sockets, on the loop.
        func relay(client: Int32, upstream: Int32, bufferSize: Int = 64 << 10, timeouts: RelayTimeouts = .none) {
            loop.execute { [self] in
                let pool = BufferPool(size: bufferSize)
                do {
                    _ = try Relay(client: client, upstream: upstream, loop: loop, pool: pool, timeouts: timeouts) { ending, totals in
                        self.ending.withLock { $0 = (ending, totals) }
                        self.idleBuffers.withLock { $0 = pool.idleCount }
                        self.lentBuffers.withLock { $0 = pool.lentCount }
                    }
                } catch {
                    Issue.record("relay: \(error)")
                }
            }
        }

        /// Waits for the relay's end.
        func waitForEnd() async throws -> (Relay.Ending, Relay.Totals) {
            var result: (Relay.Ending, Relay.Totals)?
            try await poll("the relay to end", timeout: .seconds(60)) {
                result = ending.withLock { $0 }
                return result != nil
            }
            return try #require(result)
        }
    }

    /// A listener on 127.0.0.1, port 0, whose connections are non-blocking.
    struct Listener {
        let raw: RawListener
        var port: Int { raw.port }

        init() throws {
            raw = try RawListener(backlog: 16)
        }

        /// The next connection, non-blocking (the client connected before).
        func accept() throws -> Int32 {
            let connection = try raw.accept()
            try Socket.setNonBlocking(connection)
            return connection
        }

        func close() {
            raw.close()
        }
    }

    /// A client and an upstream connected through a relay.
    func connected(_ fixture: Fixture, timeouts: RelayTimeouts = .none) async throws -> (client: TCPClient, upstream: TCPClient) {
        let front = try Listener(), back = try Listener()
        defer { front.close(); back.close() }
        let client = try await TCPClient.connect(to: "127.0.0.1", port: front.port)
        let upstream = try await TCPClient.connect(to: "127.0.0.1", port: back.port)
        fixture.relay(client: try front.accept(), upstream: try back.accept(), timeouts: timeouts)
        return (client, upstream)
    }

    @Test("an upstream that neither answers nor closes after the client's end is closed after the server fin limit, not before")
    func upstreamFin() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let (client, upstream) = try await connected(fixture, timeouts: RelayTimeouts(upstreamFin: .milliseconds(600)))
        try await client.send("request")
        #expect(try await upstream.read(atLeast: 7) == Array("request".utf8))
        let finished = ContinuousClock.now
        client.shutdownWrite()
        #expect(try await upstream.readToEnd().isEmpty, "the client's end reached the upstream")
        #expect(try await client.waitForClose() == .eof)
        #expect(ContinuousClock.now - finished >= .milliseconds(600), "not before the limit")
        let (ending, totals) = try await fixture.waitForEnd()
        #expect(ending == .timedOut(.upstream) && totals.toUpstream == 7)
    }

    @Test("bytes keep a half-closed pair open; quiet, it closes; an idle limit closes a quiet open pair; none leaves it open")
    func quietSides() async throws {
        // A slow answer after the client's end: each byte within the limit keeps it open. The
        // upstream writes from the relay's own loop thread, so that the gaps between its bytes
        // are what they say whatever the load on the test's tasks.
        let slow = try Fixture()
        defer { slow.stop() }
        let front = try Listener(), back = try Listener()
        let client = try await TCPClient.connect(to: "127.0.0.1", port: front.port)
        let upstream = try Self.connectRaw(back.port)
        defer { close(upstream) }
        slow.relay(client: try front.accept(), upstream: try back.accept(), timeouts: RelayTimeouts(upstreamFin: .milliseconds(600)))
        front.close()
        back.close()
        client.shutdownWrite()
        @Sendable func answer(_ left: Int) {
            guard left > 0 else { return _ = shutdown(upstream, Int32(SHUT_WR)) }
            _ = send(upstream, "x", 1, Int32(MSG_NOSIGNAL))
            slow.loop.schedule(in: .milliseconds(150)) { answer(left - 1) }
        }
        slow.loop.execute { answer(12) }
        #expect(try await client.readToEnd() == Array(repeating: UInt8(ascii: "x"), count: 12), "1.8 s of answer in steps shorter than the limit")
        #expect(try await slow.waitForEnd().0 == .finished)

        // The client told everything keeps quiet: the client fin limit.
        let lingering = try Fixture()
        defer { lingering.stop() }
        let (quietClient, answering) = try await connected(lingering, timeouts: RelayTimeouts(clientFin: .milliseconds(300)))
        try await answering.send("bye")
        answering.shutdownWrite()
        #expect(try await quietClient.readToEnd() == Array("bye".utf8))
        #expect(try await lingering.waitForEnd().0 == .timedOut(.client))

        // Both open and quiet: the client's idle limit; without limits nothing ends.
        let idle = try Fixture()
        defer { idle.stop() }
        let (idleClient, idleUpstream) = try await connected(idle, timeouts: RelayTimeouts(clientIdle: .milliseconds(300)))
        #expect(try await idleClient.waitForClose() == .eof)
        #expect(try await idleUpstream.waitForClose() == .eof)
        #expect(try await idle.waitForEnd().0 == .timedOut(.client))
        let open = try Fixture()
        defer { open.stop() }
        let (openClient, openUpstream) = try await connected(open)
        try await Task.sleep(for: .milliseconds(800))
        #expect(open.ending.withLock { $0 } == nil, "no limit: a quiet pair stays")
        openClient.close()
        openUpstream.close()
    }

    @Test("8 MiB each way at once arrive byte-exact; each side's end is a half-close the other can answer after")
    func bothWays() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let (client, upstream) = try await connected(fixture)
        var random = SeededRandom("relay both ways")
        print("seed: relay both ways")
        let up = random.bytes(8 << 20), down = random.bytes(8 << 20)
        async let sentUp: Void = client.send(up, timeout: .seconds(30))
        async let sentDown: Void = upstream.send(down, timeout: .seconds(30))
        async let receivedUp = upstream.read(atLeast: up.count, timeout: .seconds(30))
        async let receivedDown = client.read(atLeast: down.count, timeout: .seconds(30))
        _ = try await (sentUp, sentDown)
        #expect(try await receivedUp == up)
        #expect(try await receivedDown == down)

        client.shutdownWrite()
        try await upstream.send("late answer")
        upstream.shutdownWrite()
        #expect(try await upstream.readToEnd() == [], "the client's end reached the upstream")
        #expect(String(decoding: try await client.readToEnd(), as: UTF8.self) == "late answer", "and the upstream could still answer")
        let (ending, totals) = try await fixture.waitForEnd()
        #expect(ending == .finished)
        #expect(totals.toUpstream == up.count && totals.toClient == down.count + 11)
        #expect(fixture.lentBuffers.withLock { $0 } == 0, "every buffer went back to the pool")
        #expect(fixture.idleBuffers.withLock { $0 } == 4, "the two small ones, traded for large ones as 8 MiB went through, and those")
    }

    @Test("a client that resets: the upstream is reset too")
    func reset() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let (client, upstream) = try await connected(fixture)
        try await client.send("hello")
        #expect(try await upstream.read(atLeast: 5) == Array("hello".utf8))
        client.reset()
        #expect(try await upstream.waitForClose() == .reset)
        let (ending, _) = try await fixture.waitForEnd()
        guard case .failed(.client, _) = ending else { Issue.record("\(ending)"); return }
    }

    @Test("an upstream that does not read stops the client: the relay buffers at most its buffer")
    func backpressure() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let front = try Listener(), back = try Listener()
        defer { front.close(); back.close() }
        // Raw sockets: the upstream reads nothing until told, the client writes until it cannot.
        let client = try Self.connectRaw(front.port), upstream = try Self.connectRaw(back.port)
        defer { close(client); close(upstream) }
        fixture.relay(client: try front.accept(), upstream: try back.accept(), bufferSize: 16 << 10)
        let chunk = [UInt8](repeating: 0x61, count: 64 << 10)
        var sent = 0
        var stalledSince: ContinuousClock.Instant?
        // Write until the client cannot for half a second: the relay no longer takes its bytes.
        while stalledSince.map({ ContinuousClock.now - $0 < .milliseconds(500) }) ?? true, sent < 256 << 20 {
            let count = chunk.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if count > 0 {
                sent += count
                stalledSince = nil
            } else {
                stalledSince = stalledSince ?? .now
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        print("the client could send \(sent) bytes before the relay stopped reading")
        #expect(sent < 64 << 20, "the relay held back: it did not read the client's bytes without bound")
        // The upstream now reads: everything the client sent arrives.
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        try await poll("the upstream to read \(sent) bytes", timeout: .seconds(60)) {
            let count = buffer.withUnsafeMutableBytes { recv(upstream, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 { received += count }
            return received >= sent
        }
        #expect(received == sent)
    }

    static func connectRaw(_ port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw DataPlaneError("connect") }
        return descriptor
    }
}
