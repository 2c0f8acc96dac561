#if canImport(Glibc)
import Glibc
#endif

/// The text `ss -lnt` prints for a listener's local address: `127.0.0.1:8080`, `[::1]:8080`,
/// `*:22` for an IPv6 wildcard that also takes IPv4, `127.0.0.53%lo:53` when bound to a device.
public enum SocketAddressText {
    /// The address part without the port; `interfaceName` is the bound device, if any.
    public static func host(of socket: ListeningSocket, interfaceName: String? = nil) -> String {
        var text: String
        switch socket.family {
        case .ipv4:
            text = socket.address.count == 4 ? socket.address.map(String.init).joined(separator: ".") : "?"
        case .ipv6:
            if socket.isWildcard && socket.v6Only == false {
                text = "*"
            } else {
                text = "[\(ipv6(socket.address))]"
            }
        }
        if let interfaceName, !interfaceName.isEmpty {
            text += "%\(interfaceName)"
        }
        return text
    }

    /// Host and port: `127.0.0.1:8080`.
    public static func text(of socket: ListeningSocket, interfaceName: String? = nil) -> String {
        "\(host(of: socket, interfaceName: interfaceName)):\(socket.port)"
    }

    /// An IPv6 address in its shortest form (RFC 5952), as `inet_ntop` writes it.
    static func ipv6(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "?" }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
