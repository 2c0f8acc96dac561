#if canImport(Glibc)
import Glibc
#endif

/// Numeric IPv4 and IPv6 addresses between their text and their bytes (network order), with
/// `inet_pton` and `inet_ntop`.
package enum IPAddressText {
    /// 4 bytes for `127.0.0.1`, 16 for `::1`; `nil` for anything that is not a numeric address.
    package static func bytes(of text: String) -> [UInt8]? {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, text, &ipv4) == 1 {
            return withUnsafeBytes(of: &ipv4) { Array($0) }
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, text, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { Array($0) }
        }
        return nil
    }

    /// `127.0.0.1` for 4 bytes, the shortest IPv6 form (RFC 5952) for 16; `?` for other lengths.
    package static func text(of bytes: [UInt8]) -> String {
        guard bytes.count == 4 || bytes.count == 16 else { return "?" }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        return written ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }
}
