import Testing
import UsherCore
import UsherGate
import UsherTestSupport

/// The data path of accepted connections: byte-exact, backpressured, half-closable.
@Suite("Gate proxy", .timeLimit(.minutes(1)))
struct GateProxyTests {
    static func randomPayload(_ count: Int) -> [UInt8] {
        var generator = SeededRandom("GateProxyTests.randomPayload")
        var bytes = generator.bytes(count)
        bytes[0] = 0  // not an HTTP method: the demo upstream echoes
        return bytes
    }

    @Test("1 MiB of random bytes round-trips byte-exact through the proxy, with half-close")
    func oneMebibyteRoundTrip() async throws {
        try await GateHarness.with(GateHarness.configuration(policy: .accept)) { gate, port, _ in
            let payload = Self.randomPayload(1 << 20)
            let client = try await TCPClient.gate(port)
            let echoed = try await client.exchange(payload, halfCloseAfterSending: true)
            #expect(echoed.count == payload.count)
            #expect(echoed.elementsEqual(payload), "the echo differs from what was sent")
        }
    }

    @Test("half-close: the client stops sending and still reads the whole answer")
    func halfClose() async throws {
        try await GateHarness.with(GateHarness.configuration(policy: .accept)) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await gate.waitForCounters("accepted") { $0.accepted == 1 }
            try await client.send("\u{1}half-closed hello")
            client.shutdownWrite()
            let echoed = try await client.readToEnd()
            #expect(String(decoding: echoed, as: UTF8.self) == "\u{1}half-closed hello")
        }
    }

    @Test("caller data beyond 4 KiB sent while pending is kept and replayed in full")
    func callerDataIsNotLost() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let payload = Self.randomPayload(10_000)
            let client = try await TCPClient.gate(port)
            try await client.send(payload)
            try await poll("4 KiB captured") {
                gate.snapshot().pending.first?.callerData.bytes.count == CallerData.capacity
            }
            let request = try #require(gate.snapshot().pending.first)
            #expect(request.callerData.bytes.elementsEqual(payload.prefix(CallerData.capacity)))
            try gate.decide(request.id, .accept, by: .operator(Operator()))
            let echoed = try await client.exchange([], halfCloseAfterSending: true)
            #expect(echoed.count == payload.count)
            #expect(echoed.elementsEqual(payload), "the echo differs from what was sent")
        }
    }

    @Test("an unreachable upstream rejects the request with the reason; the client is closed")
    func upstreamDown() async throws {
        let refusing = try RefusingPort()
        let upstream = Endpoint(host: "127.0.0.1", port: refusing.port)
        try await GateHarness.with(GateHarness.configuration(policy: .accept, upstream: upstream)) { gate, port, log in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            #expect(try await client.readToEnd().isEmpty)
            try await gate.waitForCounters("rejected") { $0.rejected == 1 && $0.accepted == 0 }
            try await log.waitFor("rejected", "id=r1", "by=upstream", "connection refused")
        }
    }

    @Test("IPv6 listeners gate and proxy too")
    func ipv6() async throws {
        let listen = [Endpoint(host: "::1", port: 0)]
        try await GateHarness.with(GateHarness.configuration(policy: .accept, listen: listen)) { gate, port, _ in
            let client = try await TCPClient.connect(to: "::1", port: port)
            try await client.send(httpRequest)
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("200 OK") && answer.contains("You sent: GET /hello HTTP/1.1"))
            try await gate.waitForCounters("accepted") { $0.accepted == 1 }
        }
    }

    @Test("a keep-alive client that closes after its answer leaves nothing open for a stop to wait on")
    func nothingLingers() async throws {
        var configuration = GateHarness.configuration(policy: .accept)
        configuration.drainTimeout = .seconds(10)
        try await GateHarness.with(configuration) { gate, port, log in
            let client = try await TCPClient.gate(port)
            try await client.send("GET /keep HTTP/1.1\r\nHost: usher.test\r\n\r\n")
            let answer = String(decoding: try await client.read(atLeast: 100), as: UTF8.self)
            #expect(answer.contains("You sent: GET /keep HTTP/1.1"))
            client.close()
            try await gate.waitForCounters("the connection closed") { _ in gate.snapshot().connections == 0 }
            await gate.shutdown()
            #expect(!log.contains(["drain timeout passed"]), "a connection stayed open until the drain timeout")
        }
    }
}
