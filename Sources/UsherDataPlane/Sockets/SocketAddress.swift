import CEpoll
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address as the kernel takes and gives it, and as an ``Endpoint``.
public struct SocketAddress: Sendable {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)

    init() {}

    /// The address of `endpoint`, whose host is a numeric IPv4 or IPv6 address.
    public init(_ endpoint: Endpoint) throws(DataPlaneError) {
        let host = endpoint.host.hasPrefix("[") ? String(endpoint.host.dropFirst().dropLast()) : endpoint.host
        let port = in_port_t(UInt16(clamping: endpoint.port).bigEndian)
        var ok = false
        withUnsafeMutablePointer(to: &storage) { pointer in
            if host.contains(":") {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_port = port
                    ok = inet_pton(AF_INET6, host, &address.pointee.sin6_addr) == 1
                }
                length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    address.pointee.sin_family = sa_family_t(AF_INET)
                    address.pointee.sin_port = port
                    ok = inet_pton(AF_INET, host, &address.pointee.sin_addr) == 1
                }
                length = socklen_t(MemoryLayout<sockaddr_in>.size)
            }
        }
        guard ok else { throw DataPlaneError("inet_pton \(endpoint.host)", code: EINVAL) }
    }

    var family: Int32 { Int32(storage.ss_family) }

    /// `127.0.0.1:8080`, `[::1]:8080`. The text is written on the stack: taking a peer's
    /// address allocates nothing but the string, and not even that for IPv4.
    public var endpoint: Endpoint {
        var storage = self.storage
        let family = self.family
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(INET6_ADDRSTRLEN)) { text in
            withUnsafePointer(to: &storage) { pointer in
                if family == AF_INET6 {
                    return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                        var bytes = address.pointee.sin6_addr
                        let host = inet_ntop(AF_INET6, &bytes, text.baseAddress, socklen_t(text.count)).map { String(cString: $0) }
                        return Endpoint(host: host ?? "::", port: Int(UInt16(bigEndian: address.pointee.sin6_port)))
                    }
                }
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    Endpoint(host: Self.text(of: address.pointee.sin_addr), port: Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            }
        }
    }

    /// `a.b.c.d`, written here: glibc's `inet_ntop` formats IPv4 through `sprintf`, about 3 %
    /// of the data plane's time per connection.
    static func text(of address: in_addr) -> String {
        let value = UInt32(bigEndian: address.s_addr)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { text in
            var count = 0
            func append(_ byte: UInt8) {
                text[count] = byte
                count += 1
            }
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = UInt8(truncatingIfNeeded: value >> UInt32(shift))
                if shift != 24 { append(UInt8(ascii: ".")) }
                if octet >= 100 { append(UInt8(ascii: "0") + octet / 100) }
                if octet >= 10 { append(UInt8(ascii: "0") + octet / 10 % 10) }
                append(UInt8(ascii: "0") + octet % 10)
            }
            return String(decoding: UnsafeBufferPointer(rebasing: text[..<count]), as: UTF8.self)
        }
    }

    /// Calls `body` with the address as the kernel takes it.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var storage = self.storage
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
