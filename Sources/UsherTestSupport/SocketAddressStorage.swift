#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 literal and port as a `sockaddr`, for the test sockets.
struct SocketAddressStorage {
    private var storage = sockaddr_storage()
    private var length: socklen_t
    let family: Int32

    init(host: String, port: Int) throws {
        let bigEndianPort = in_port_t(UInt16(port).bigEndian)
        if host.contains(":") {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = bigEndianPort
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw Self.unparsable(host) }
            (family, length) = (AF_INET6, Self.store(address, in: &storage))
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = bigEndianPort
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw Self.unparsable(host) }
            (family, length) = (AF_INET, Self.store(address, in: &storage))
        }
    }

    private static func unparsable(_ host: String) -> TCPClientError {
        .failed("parse \(host) as an IP address", errno: EINVAL)
    }

    /// Copies a concrete `sockaddr_*` into the storage and returns its length.
    private static func store<Address>(_ address: Address, in storage: inout sockaddr_storage) -> socklen_t {
        withUnsafeMutableBytes(of: &storage) { raw in
            withUnsafeBytes(of: address) { raw.copyMemory(from: $0) }
        }
        return socklen_t(MemoryLayout<Address>.size)
    }

    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The local port of a bound socket.
    static func localPort(of descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return port(of: storage)
    }

    static func port(of storage: sockaddr_storage) -> Int {
        withUnsafeBytes(of: storage) { raw in
            let family = Int32(raw.load(as: sa_family_t.self))
            let port = family == AF_INET6
                ? raw.load(as: sockaddr_in6.self).sin6_port
                : raw.load(as: sockaddr_in.self).sin_port
            return Int(UInt16(bigEndian: port))
        }
    }
}

/// Opens a TCP socket bound to a free port of `host` (a loopback literal), optionally listening.
func boundLoopbackSocket(host: String = "127.0.0.1", listenBacklog: Int32?) throws -> (descriptor: Int32, port: Int) {
    let address = try SocketAddressStorage(host: host, port: 0)
    let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TCPClientError.failed("socket", errno: errno) }
    guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
        let code = errno
        close(descriptor)
        throw TCPClientError.failed("bind", errno: code)
    }
    if let listenBacklog, listen(descriptor, listenBacklog) != 0 {
        let code = errno
        close(descriptor)
        throw TCPClientError.failed("listen", errno: code)
    }
    return (descriptor, SocketAddressStorage.localPort(of: descriptor))
}

/// A loopback port that is bound but not listening: connecting to it is refused for as long as
/// this value lives, which makes "upstream down" deterministic.
public final class RefusingPort: @unchecked Sendable {
    private let descriptor: Int32
    public let port: Int

    public init() throws {
        (descriptor, port) = try boundLoopbackSocket(listenBacklog: nil)
    }

    deinit {
        close(descriptor)
    }
}

/// A loopback listener that never accepts: its kernel backlog fills up, as a stuck server's does.
public final class StuckListener: @unchecked Sendable {
    private var descriptor: Int32
    public let port: Int

    /// `host`: `127.0.0.1` or `::1`.
    public init(backlog: Int32, host: String = "127.0.0.1") throws {
        (descriptor, port) = try boundLoopbackSocket(host: host, listenBacklog: backlog)
    }

    /// Closes the listener now (otherwise when it is released).
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit {
        close()
    }
}

/// Clients whose `connect` is started and left to the kernel: they fill a listener's accept
/// queue whether or not their handshakes can complete. Closed when released.
public final class HalfOpenClients: @unchecked Sendable {
    private var descriptors: [Int32] = []

    public init(count: Int, host: String, port: Int) throws {
        let address = try SocketAddressStorage(host: host, port: port)
        for _ in 0..<count {
            let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard descriptor >= 0 else { throw TCPClientError.failed("socket", errno: errno) }
            descriptors.append(descriptor)
            guard address.withSockaddr({ connect(descriptor, $0, $1) }) == 0 || errno == EINPROGRESS else {
                throw TCPClientError.connectFailed(errno: errno)
            }
        }
    }

    public func close() {
        for descriptor in descriptors { Glibc.close(descriptor) }
        descriptors = []
    }

    deinit {
        close()
    }
}
