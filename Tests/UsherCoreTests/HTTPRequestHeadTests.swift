import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
import UsherCore
import UsherTestSupport

/// The HTTP head reader against NIOHTTP1's request decoder as an oracle: whenever the decoder
/// reads a head, the reader reads the same method, target, Host and User-Agent. The reader is
/// more lenient (it reads heads the decoder refuses, for display and rules), never stricter.
/// Real requests, every prefix of them, and random mutations (seeded; the seed is printed).
@Suite("HTTP request heads", .timeLimit(.minutes(1)))
struct HTTPRequestHeadTests {
    struct Decoded: Equatable {
        var method: String
        var uri: String
        var host: String?
        var userAgent: String?
    }

    /// What NIOHTTP1 makes of `bytes`: the head it decoded, or `nil` (an error, or not enough).
    static func oracle(_ bytes: [UInt8]) -> Decoded? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try? channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
        guard (try? channel.writeInbound(ByteBuffer(bytes: bytes))) != nil else { return nil }
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part {
                // NIOHTTP1 keeps the spaces after a field value; RFC 9110 (5.5) says they are not
                // part of it, and the reader drops them.
                func value(_ name: String) -> String? {
                    head.headers.first(name: name).map { String($0.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
                }
                return Decoded(method: head.method.rawValue, uri: head.uri, host: value("host"), userAgent: value("user-agent"))
            }
        }
        return nil
    }

    static func reader(_ bytes: [UInt8]) -> UsherCore.HTTPRequestHead? {
        if case .head(let head) = UsherCore.HTTPRequestHead.read(bytes) { return head }
        return nil
    }

    /// `true` when every head the oracle reads, the reader reads alike.
    static func agree(_ bytes: [UInt8]) -> Bool {
        guard let decoded = oracle(bytes) else { return true }
        guard let head = reader(bytes) else { return false }
        // Bytes above 0x7F decode differently (NIOHTTP1 as UTF-8, the reader as U+FFFD each): the
        // ASCII must agree, and no field may be lost.
        func ascii(_ text: String?) -> String? { text.map { String($0.unicodeScalars.filter(\.isASCII)) } }
        return head.method == decoded.method && ascii(head.target) == ascii(decoded.uri)
            && ascii(head.host) == ascii(decoded.host) && ascii(head.userAgent) == ascii(decoded.userAgent)
    }

    /// Both readings, for a failure message.
    static func explain(_ bytes: [UInt8]) -> String {
        let head = reader(bytes)
        return "\(String(decoding: bytes, as: UTF8.self).debugDescription): oracle \(String(describing: oracle(bytes))), reader \(head.map { "\($0.method) \($0.target) host=\($0.host ?? "-") ua=\($0.userAgent ?? "-")" } ?? "nil")"
    }

    /// Bytes that make or break the structure of a head.
    static let insertable = Array(" :\r\n\tAZaz/".utf8) + [0x00, 0x7F, 0x80, 0x9B, 0xC6, 0xFF]

    static let requests: [String] = [
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        "POST /api/v1/items?x=1 HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 2\r\n\r\n{}",
        "GET http://example.com/path HTTP/1.1\r\nhost: example.com\r\nuser-agent:   Mozilla/5.0 (X11)  \r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /a HTTP/1.0\r\n\r\n",
    ]

    @Test("real requests: method, target, path, Host and User-Agent as NIOHTTP1 reads them")
    func realRequests() throws {
        for text in Self.requests {
            let bytes = Array(text.utf8)
            #expect(Self.oracle(bytes) != nil, "the oracle reads \(text.debugDescription)")
            #expect(Self.agree(bytes), "\(Self.explain(bytes))")
        }
        let head = try #require(Self.reader(Array(Self.requests[2].utf8)))
        #expect(head.path == "/path")
        #expect(head.isComplete)
        #expect(Self.reader(Array(Self.requests[1].utf8))?.path == "/api/v1/items")
    }

    @Test("every prefix of a request: incomplete or a partial head, never more than the oracle")
    func prefixes() {
        for text in Self.requests {
            let bytes = Array(text.utf8)
            for length in 0...bytes.count {
                let prefix = Array(bytes.prefix(length))
                #expect(Self.agree(prefix), "prefix of \(length): \(Self.explain(prefix))")
                #expect(UsherCore.HTTPRequestHead.read(prefix) != .notHTTP, "a prefix of HTTP is not refused: \(length)")
            }
        }
    }

    @Test("not HTTP: binary, TLS, SSH, lowercase methods")
    func notHTTP() {
        for bytes: [UInt8] in [[0x16, 0x03, 0x01, 0x00, 0x05], Array("SSH-2.0-OpenSSH_9.2\r\n".utf8), Array("get / HTTP/1.1\r\n\r\n".utf8), [0, 1, 2]] {
            #expect(UsherCore.HTTPRequestHead.read(bytes) == .notHTTP, "\(bytes)")
            #expect(Self.oracle(bytes) == nil)
        }
    }

    @Test("10,000 random mutations and cuts of real requests: the reader agrees with NIOHTTP1, no crash")
    func mutations() {
        var random = SeededRandom("HTTPRequestHeadTests.mutations")
        let seed = random.seed
        let sources = Self.requests.map { Array($0.utf8) }
        for round in 0..<10_000 {
            var bytes = sources[Int(random.next() % UInt64(sources.count))]
            for _ in 0..<(1 + random.next() % 3) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(index...)
                case 2: bytes.remove(at: index)
                default: bytes.insert(Self.insertable[Int(random.next() % UInt64(Self.insertable.count))], at: index)
                }
            }
            #expect(Self.agree(bytes), "round \(round), seed \(seed): \(Self.explain(bytes))")
        }
    }
}
