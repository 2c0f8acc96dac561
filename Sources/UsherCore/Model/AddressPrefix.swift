/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `::1/128`), or a single address.
public struct AddressPrefix: Hashable, Sendable, CustomStringConvertible {
    /// The network's address bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]
    /// How many leading bits must match.
    public let length: Int

    /// Why a CIDR text could not be read.
    public enum ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        case notAnAddress(String)
        case badLength(String, maximum: Int)

        public var description: String {
            switch self {
            case .notAnAddress(let text):
                "'\(text)' is not an IP address or network; write 10.0.0.0/8, 192.0.2.7 or ::1/128"
            case .badLength(let text, let maximum):
                "'\(text)' has a bad prefix length; use /0 to /\(maximum)"
            }
        }
    }

    /// Reads `ADDRESS` or `ADDRESS/LENGTH`; IPv6 may be bracketed.
    public static func parse(_ text: String) throws(ParseError) -> AddressPrefix {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var host = String(parts[0])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let bytes = IPAddressText.bytes(of: host) else { throw .notAnAddress(text) }
        let maximum = bytes.count * 8
        guard parts.count == 2 else { return AddressPrefix(bytes: bytes, length: maximum) }
        guard let length = Int(parts[1]), (0...maximum).contains(length), parts[1].allSatisfy(\.isNumber) else {
            throw .badLength(text, maximum: maximum)
        }
        return AddressPrefix(bytes: bytes, length: length)
    }

    private init(bytes: [UInt8], length: Int) {
        self.bytes = bytes
        self.length = length
    }

    /// `true` when `host` (an IP literal) lies in the network. An IPv4-mapped IPv6 address
    /// (`::ffff:10.0.0.1`) matches an IPv4 network.
    public func contains(_ host: String) -> Bool {
        guard let candidate = IPAddressText.bytes(of: host) else { return false }
        return contains(address: candidate)
    }

    /// `true` when the address (4 or 16 bytes, network order) lies in the network.
    public func contains(address: [UInt8]) -> Bool {
        let candidate = Self.normalized(address, for: bytes.count)
        guard candidate.count == bytes.count else { return false }
        let whole = length / 8
        guard candidate.prefix(whole).elementsEqual(bytes.prefix(whole)) else { return false }
        let rest = length % 8
        guard rest > 0 else { return true }
        let mask = UInt8(0xFF) << (8 - rest)
        return candidate[whole] & mask == bytes[whole] & mask
    }

    /// An IPv4-mapped IPv6 address as its IPv4 bytes when compared with IPv4 (`family` 4).
    static func normalized(_ address: [UInt8], for family: Int) -> [UInt8] {
        guard family == 4, address.count == 16, address.prefix(12).elementsEqual(mappedPrefix) else { return address }
        return Array(address.suffix(4))
    }

    /// The address with every bit past `length` cleared: the network's key in an index.
    static func masked(_ address: [UInt8], length: Int) -> [UInt8] {
        var result = address
        for index in result.indices {
            let bitsKept = max(0, min(8, length - index * 8))
            result[index] &= bitsKept == 8 ? 0xFF : ~(UInt8(0xFF) >> bitsKept)
        }
        return result
    }

    public var description: String {
        let maximum = bytes.count * 8
        let address = IPAddressText.text(of: bytes)
        return length == maximum ? address : "\(address)/\(length)"
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
}
