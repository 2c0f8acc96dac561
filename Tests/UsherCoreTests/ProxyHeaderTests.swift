import Testing
import UsherCore
import UsherTestSupport

/// The PROXY protocol header reader (HAProxy's specification, versions 1 and 2): headers as
/// HAProxy writes them, every prefix of them, bad ones, and random input (seeded).
@Suite("PROXY protocol headers", .timeLimit(.minutes(1)))
struct ProxyHeaderTests {
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// A version 2 header: `command` 0x21 (PROXY) or 0x20 (LOCAL), `family` 0x11 (TCP over
    /// IPv4) or 0x21 (IPv6), the address block, and `tlvs` after it.
    static func version2(command: UInt8 = 0x21, family: UInt8 = 0x11, addresses: [UInt8], tlvs: [UInt8] = []) -> [UInt8] {
        let body = addresses + tlvs
        return signature + [command, family, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    /// 203.0.113.7:56324 → 192.0.2.1:443.
    static let ipv4Block: [UInt8] = [203, 0, 113, 7, 192, 0, 2, 1, 0xDC, 0x04, 0x01, 0xBB]
    /// [2001:db8::7]:1234 → [2001:db8::1]:80.
    static let ipv6Block: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [7]
        + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1] + [0x04, 0xD2, 0x00, 0x50]

    static func header(_ reading: ProxyHeader.Reading) -> (ProxyHeader, Int)? {
        if case .header(let header, let length) = reading { return (header, length) }
        return nil
    }

    static func isInvalid(_ reading: ProxyHeader.Reading) -> Bool {
        if case .invalid = reading { return true }
        return false
    }

    @Test("version 1: TCP4, TCP6 and UNKNOWN, with the client's bytes after the line")
    func version1() throws {
        let line = "PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\r\n"
        let (header, length) = try #require(Self.header(ProxyHeader.read(Array((line + "GET / HTTP/1.1\r\n").utf8))))
        #expect(length == line.utf8.count)
        #expect(header == ProxyHeader(
            version: 1, source: Endpoint(host: "203.0.113.7", port: 56324), destination: Endpoint(host: "192.0.2.1", port: 443)))
        let six = try #require(Self.header(ProxyHeader.read(Array("PROXY TCP6 2001:db8::7 2001:db8::1 1234 80\r\n".utf8))))
        #expect(six.0.source == Endpoint(host: "2001:db8::7", port: 1234))
        let unknown = try #require(Self.header(ProxyHeader.read(Array("PROXY UNKNOWN whatever\r\nrest".utf8))))
        #expect(unknown.0.source == nil && unknown.1 == 24)
    }

    @Test("version 2: PROXY over IPv4 and IPv6 (TLVs skipped), LOCAL, and UNIX without addresses")
    func version2() throws {
        let ipv4 = Self.version2(addresses: Self.ipv4Block, tlvs: [0x04, 0x00, 0x02, 0xAA, 0xBB])
        let (header, length) = try #require(Self.header(ProxyHeader.read(ipv4 + Array("data".utf8))))
        #expect(length == ipv4.count)
        #expect(header.source == Endpoint(host: "203.0.113.7", port: 56324))
        #expect(header.destination == Endpoint(host: "192.0.2.1", port: 443))
        let ipv6 = try #require(Self.header(ProxyHeader.read(Self.version2(family: 0x21, addresses: Self.ipv6Block))))
        #expect(ipv6.0.source == Endpoint(host: "2001:db8::7", port: 1234))
        #expect(ipv6.0.destination == Endpoint(host: "2001:db8::1", port: 80))
        let local = try #require(Self.header(ProxyHeader.read(Self.version2(command: 0x20, family: 0x00, addresses: []))))
        #expect(local.0.source == nil && local.1 == 16)
        let unix = try #require(Self.header(ProxyHeader.read(Self.version2(family: 0x31, addresses: [UInt8](repeating: 0, count: 216)))))
        #expect(unix.0.source == nil)
    }

    @Test("every prefix of a header is incomplete; the whole header is read")
    func prefixes() {
        let headers = [
            Array("PROXY TCP6 2001:db8::7 2001:db8::1 1234 80\r\n".utf8),
            Self.version2(family: 0x21, addresses: Self.ipv6Block, tlvs: [0x01, 0x00, 0x02, 0x68, 0x32]),
        ]
        for whole in headers {
            for length in 0..<whole.count {
                #expect(ProxyHeader.read(whole.prefix(length)) == .incomplete, "prefix of \(length) of \(whole.count)")
            }
            #expect(Self.header(ProxyHeader.read(whole))?.1 == whole.count)
        }
    }

    @Test("malformed headers are refused with a reason", arguments: [
        "GET / HTTP/1.1\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 56324\r\n",
        "PROXY TCP4 2001:db8::7 192.0.2.1 1 2\r\n",
        "PROXY TCP6 203.0.113.7 2001:db8::1 1 2\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 65536 443\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 080 443\r\n",
        "PROXY TCP4 203.0.113.7 192.0.2.1 +80 443\r\n",
        "PROXY TCP4 203.0.113.7  192.0.2.1 80 443\r\n",
        "PROXY UDP4 203.0.113.7 192.0.2.1 80 443\r\n",
        "PROXY TCP4 203.0.113.7\u{1B}[2J 192.0.2.1 80 443\r\n",
        "PROXY UNKNOWN " + String(repeating: "x", count: 120) + "\r\n",
    ])
    func malformedText(text: String) {
        let reading = ProxyHeader.read(Array(text.utf8))
        #expect(Self.isInvalid(reading), "\(reading)")
        if case .invalid(let reason) = reading { #expect(!reason.contains("\u{1B}")) }
    }

    @Test("binary headers with a bad version, command, short addresses or an over-long body are refused")
    func malformedBinary() {
        let cases: [[UInt8]] = [
            Self.signature + [0x11, 0x11, 0x00, 0x0C] + Self.ipv4Block,
            Self.signature + [0x22, 0x11, 0x00, 0x0C] + Self.ipv4Block,
            Self.signature + [0x21, 0x11, 0x00, 0x08] + Array(Self.ipv4Block.prefix(8)),
            Self.signature + [0x21, 0x21, 0x00, 0x0C] + Self.ipv4Block,
            Self.signature + [0x21, 0x11, 0xFF, 0xFF] + Self.ipv4Block,
            [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B],
        ]
        for bytes in cases {
            #expect(Self.isInvalid(ProxyHeader.read(bytes)), "\(bytes)")
        }
    }

    @Test("20,000 random inputs and mutations: no crash, no length past the input, no wait past the limit")
    func random() {
        var random = SeededRandom("ProxyHeaderTests.random")
        let seed = random.seed
        let seeds: [[UInt8]] = [
            Array("PROXY TCP4 203.0.113.7 192.0.2.1 56324 443\r\n".utf8), Array("PROXY UNKNOWN\r\n".utf8),
            Self.version2(addresses: Self.ipv4Block), Self.version2(family: 0x21, addresses: Self.ipv6Block, tlvs: [1, 0, 1, 9]),
            Self.signature, Array("PROXY ".utf8),
        ]
        for round in 0..<20_000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            if round % 4 == 0 { bytes = random.bytes(Int(random.next() % 200)) }
            for _ in 0..<(random.next() % 5) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(index...)
                default: bytes.insert(contentsOf: random.bytes(Int(random.next() % 8)), at: index)
                }
            }
            switch ProxyHeader.read(bytes) {
            case .header(_, let length):
                #expect(length <= bytes.count && length <= ProxyHeader.maximumLength, "round \(round), seed \(seed)")
            case .incomplete:
                #expect(bytes.count <= ProxyHeader.maximumLength, "round \(round), seed \(seed)")
            case .invalid:
                break
            }
        }
        let huge = Self.signature + [0x21, 0x11, 0x03, 0xF1] + [UInt8](repeating: 0, count: 5000)
        #expect(Self.isInvalid(ProxyHeader.read(huge)))
        #expect(Self.isInvalid(ProxyHeader.read(Array("PROXY ".utf8) + [UInt8](repeating: 0x41, count: 200))))
    }
}
