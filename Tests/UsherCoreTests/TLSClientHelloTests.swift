import NIOCore
import NIOEmbedded
import NIOTLS
import Testing
import UsherCore
import UsherTestSupport

/// The ClientHello reader against SwiftNIO's `SNIHandler` as an oracle, on real-shaped hellos,
/// every prefix of them, and random mutations (seeded; the seed is printed).
@Suite("TLS ClientHello server names", .timeLimit(.minutes(1)))
struct TLSClientHelloTests {
    /// A minimal TLS 1.2 ClientHello naming `host`, with `padding` bytes of an unknown
    /// extension before the server name.
    static func clientHello(host: String, padding: Int = 0) -> [UInt8] {
        let name = Array(host.utf8)
        let serverName: [UInt8] = [0x00] + be16(name.count) + name
        let extensionBody: [UInt8] = be16(serverName.count) + serverName
        var extensions: [UInt8] = []
        if padding > 0 { extensions += [0x00, 0x15] + be16(padding) + [UInt8](repeating: 0, count: padding) }
        extensions += [0x00, 0x00] + be16(extensionBody.count) + extensionBody
        var hello: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [0x00]
        hello += be16(2) + [0x00, 0x2f] + [0x01, 0x00] + be16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + be16(hello.count) + hello
        return [0x16, 0x03, 0x01] + be16(handshake.count) + handshake
    }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    /// What SwiftNIO's SNIHandler makes of `bytes`: a host name, a fallback, or nothing yet.
    static func oracle(_ bytes: [UInt8]) -> SNIResult? {
        let channel = EmbeddedChannel()
        final class Found { var result: SNIResult? }
        let found = Found()
        let handler = SNIHandler { result in
            found.result = result
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        try? channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(handler))
        _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
        _ = try? channel.finish(acceptAlreadyClosed: true)
        return found.result
    }

    /// `true` when the reader and the oracle agree on `bytes`.
    static func agree(_ bytes: [UInt8]) -> Bool {
        let reading = TLSClientHello.read(bytes)
        switch oracle(bytes) {
        case .hostname(let name)?: return reading.serverName == name
        case .fallback?: return reading.serverName == nil && reading != .incomplete
        // SNIHandler waits for five bytes before it looks; the reader may already rule TLS out.
        case nil: return reading == .incomplete || (bytes.count < 5 && reading == .notClientHello)
        }
    }

    @Test("a ClientHello's server name is read, and shows in the caller data's summary")
    func serverName() {
        #expect(TLSClientHello.read(Self.clientHello(host: "api.example.com")).serverName == "api.example.com")
        var data = CallerData()
        data.append(Self.clientHello(host: "api.example.com", padding: 300))
        #expect(data.preview.tlsServerName == "api.example.com")
        #expect(data.preview.isSettled)
    }

    @Test("every prefix of a ClientHello is incomplete, then the name; SNIHandler agrees")
    func prefixes() {
        let hello = Self.clientHello(host: "api.example.com", padding: 40)
        for length in 0..<hello.count {
            let prefix = Array(hello.prefix(length))
            #expect(TLSClientHello.read(prefix) == .incomplete, "prefix of \(length) bytes")
            #expect(Self.agree(prefix), "prefix of \(length) bytes")
        }
        #expect(Self.agree(hello))
    }

    @Test("cut short, garbage, not TLS, or lying lengths: no name, no crash", arguments: [
        [0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00, 0x00],
        [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00],
        [0x16, 0x03, 0x01, 0x00, 0x01, 0x01],
        [0x17, 0x03, 0x01, 0x00, 0x00],
        Array("GET / HTTP/1.1\r\n".utf8),
    ] as [[UInt8]])
    func noName(bytes: [UInt8]) {
        #expect(TLSClientHello.read(bytes).serverName != "")
        #expect(Self.agree(bytes))
    }

    @Test("5,000 random mutations of real hellos: the reader agrees with SNIHandler")
    func mutations() {
        var random = SeededRandom("TLSClientHelloTests.mutations")
        let seed = random.seed
        let hellos = [
            Self.clientHello(host: "api.example.com"), Self.clientHello(host: "a", padding: 7),
            Self.clientHello(host: "x.example", padding: 200),
        ]
        for round in 0..<5_000 {
            var bytes = hellos[Int(random.next() % UInt64(hellos.count))]
            for _ in 0..<(1 + random.next() % 4) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
                if bytes.isEmpty { break }
            }
            #expect(Self.agree(bytes), "round \(round), seed \(seed): \(bytes)")
        }
    }
}
