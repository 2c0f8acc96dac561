/// The PROXY protocol header (versions 1 and 2, as HAProxy's `send-proxy` and `send-proxy-v2`
/// write it) that a load balancer puts before the client's bytes to say who the client is.
///
/// Only the header is read: its length, the command and the original source and destination.
/// Version 2 TLVs are skipped. Every length is checked before it is used, and a header longer
/// than ``maximumLength`` is refused, so hostile bytes give ``Reading/invalid(_:)``, never a
/// crash, a read past the end or an unbounded wait.
public struct ProxyHeader: Hashable, Sendable, Codable {
    /// The most bytes a header may take: version 1 allows 107; version 2 allows 16 plus a
    /// 16-bit length, of which usher accepts TLVs up to this bound.
    public static let maximumLength = 1024

    /// 1 for the text form, 2 for the binary form.
    public var version: Int
    /// The client's address and port, as the proxy saw them; `nil` for a `LOCAL` command (a
    /// health check by the proxy itself), `UNKNOWN`, or an address family without IP addresses.
    public var source: Endpoint?
    /// The address the client connected to at the proxy.
    public var destination: Endpoint?

    public init(version: Int, source: Endpoint?, destination: Endpoint?) {
        self.version = version
        self.source = source
        self.destination = destination
    }

    /// What the first bytes of a connection say so far.
    public enum Reading: Hashable, Sendable {
        /// A header may still follow: more bytes will tell.
        case incomplete
        /// Not a PROXY header, or a malformed one; the reason is in words and holds no byte of
        /// the input.
        case invalid(String)
        /// A header of `length` bytes; the client's own bytes follow it.
        case header(ProxyHeader, length: Int)
    }

    static let v1Prefix = Array("PROXY ".utf8)
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// The longest version 1 line, CRLF included (HAProxy's specification, section 2.1).
    static let v1MaximumLength = 107

    /// Reads a header at the start of `bytes`.
    public static func read(_ bytes: some RandomAccessCollection<UInt8>) -> Reading {
        let bytes = Array(bytes.prefix(maximumLength + 1))
        if startsLike(bytes, v2Signature) {
            return bytes.count < v2Signature.count ? .incomplete : readVersion2(bytes[...])
        }
        if startsLike(bytes, v1Prefix) {
            return bytes.count < v1Prefix.count ? .incomplete : readVersion1(bytes[...])
        }
        return .invalid("the connection does not start with a PROXY header (v1 or v2)")
    }

    /// `true` when `bytes` and `signature` agree over the shorter of the two.
    private static func startsLike(_ bytes: [UInt8], _ signature: [UInt8]) -> Bool {
        bytes.prefix(signature.count).elementsEqual(signature.prefix(bytes.count))
    }

    // MARK: Version 1

    private static func readVersion1(_ bytes: ArraySlice<UInt8>) -> Reading {
        let window = bytes.prefix(v1MaximumLength)
        guard let lineFeed = window.firstIndex(of: 0x0A) else {
            return bytes.count >= v1MaximumLength
                ? .invalid("PROXY v1 line longer than \(v1MaximumLength) bytes") : .incomplete
        }
        guard lineFeed > window.startIndex, window[lineFeed - 1] == 0x0D else {
            return .invalid("PROXY v1 line does not end with CRLF")
        }
        let line = window[window.startIndex..<(lineFeed - 1)]
        guard line.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            return .invalid("PROXY v1 line holds bytes that are not printable ASCII")
        }
        let length = lineFeed - window.startIndex + 1
        let fields = String(decoding: line, as: UTF8.self).split(separator: " ", omittingEmptySubsequences: false)
        switch fields.count > 1 ? fields[1] : "" {
        case "UNKNOWN":
            return .header(ProxyHeader(version: 1, source: nil, destination: nil), length: length)
        case "TCP4", "TCP6":
            guard fields.count == 6 else {
                return .invalid("PROXY v1 line has \(fields.count) fields, not 6 (PROXY TCP4 SRC DST SPORT DPORT)")
            }
            let width = fields[1] == "TCP4" ? 4 : 16
            guard let source = endpoint(fields[2], fields[4], width: width),
                  let destination = endpoint(fields[3], fields[5], width: width)
            else { return .invalid("PROXY v1 line has a bad \(fields[1]) address or port") }
            return .header(ProxyHeader(version: 1, source: source, destination: destination), length: length)
        default:
            return .invalid("PROXY v1 line names no protocol TCP4, TCP6 or UNKNOWN")
        }
    }

    private static func endpoint(_ host: Substring, _ port: Substring, width: Int) -> Endpoint? {
        guard let address = IPAddressText.bytes(of: String(host)), address.count == width,
              (1...5).contains(port.count), port.allSatisfy({ $0.isASCII && $0.isNumber }),
              !(port.count > 1 && port.first == "0"),
              let number = Int(port), number <= 65_535
        else { return nil }
        return Endpoint(host: IPAddressText.text(of: address), port: number)
    }

    // MARK: Version 2

    private static func readVersion2(_ bytes: ArraySlice<UInt8>) -> Reading {
        let fixed = v2Signature.count + 4
        guard bytes.count >= fixed else { return .incomplete }
        let start = bytes.startIndex
        let versionAndCommand = bytes[start + 12]
        let familyAndTransport = bytes[start + 13]
        let bodyLength = Int(bytes[start + 14]) << 8 | Int(bytes[start + 15])
        guard versionAndCommand >> 4 == 2 else {
            return .invalid("PROXY v2 header has version \(versionAndCommand >> 4), not 2")
        }
        let length = fixed + bodyLength
        guard length <= maximumLength else {
            return .invalid("PROXY v2 header of \(length) bytes is longer than the limit of \(maximumLength)")
        }
        guard bytes.count >= length else { return .incomplete }
        let body = bytes[(start + fixed)..<(start + length)]
        switch versionAndCommand & 0x0F {
        case 0x0:
            return .header(ProxyHeader(version: 2, source: nil, destination: nil), length: length)
        case 0x1:
            return addresses(in: body, family: familyAndTransport >> 4).map {
                .header(ProxyHeader(version: 2, source: $0.source, destination: $0.destination), length: length)
            } ?? .invalid("PROXY v2 header is too short for its address family")
        default:
            return .invalid("PROXY v2 header has command \(versionAndCommand & 0x0F), not LOCAL or PROXY")
        }
    }

    /// The source and destination of a `PROXY` command; both `nil` for families without IP
    /// addresses (`UNSPEC`, `UNIX`); `nil` when the body is too short for its family.
    private static func addresses(
        in body: ArraySlice<UInt8>, family: UInt8
    ) -> (source: Endpoint?, destination: Endpoint?)? {
        let width: Int
        switch family {
        case 0x1: width = 4
        case 0x2: width = 16
        default: return (nil, nil)
        }
        guard body.count >= 2 * width + 4 else { return nil }
        let start = body.startIndex
        func address(at offset: Int) -> String { IPAddressText.text(of: Array(body[(start + offset)..<(start + offset + width)])) }
        func port(at offset: Int) -> Int { Int(body[start + offset]) << 8 | Int(body[start + offset + 1]) }
        let source = Endpoint(host: address(at: 0), port: port(at: 2 * width))
        let destination = Endpoint(host: address(at: width), port: port(at: 2 * width + 2))
        return (source, destination)
    }
}
