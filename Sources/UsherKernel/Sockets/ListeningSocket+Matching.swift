#if canImport(Glibc)
import Glibc
#endif

extension ListeningSocket {
    /// `true` when the socket listens on `port` at the numeric address `host` (`127.0.0.1`,
    /// `::1`, `0.0.0.0`, `::`).
    public func listens(on host: String, port: Int) -> Bool {
        guard Int(self.port) == port, let bytes = Self.addressBytes(host) else { return false }
        return bytes == address
    }

    /// The bytes of a numeric IPv4 or IPv6 address, `nil` for anything else.
    static func addressBytes(_ host: String) -> [UInt8]? {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return withUnsafeBytes(of: &ipv4) { Array($0) }
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { Array($0) }
        }
        return nil
    }
}

extension HostView {
    /// The listener on `host`:`port` held by process `pid`; when none is known to be held by
    /// it, the only listener on that address, if there is exactly one.
    public func listener(on host: String, port: Int, heldBy pid: Int32) -> HostListener? {
        let candidates = listeners.filter { $0.socket.listens(on: host, port: port) }
        return candidates.first { $0.owners.contains { $0.pid == pid } } ?? (candidates.count == 1 ? candidates.first : nil)
    }
}
