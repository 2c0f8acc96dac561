import CEpoll
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking listening TCP socket.
public struct ListeningSocket: Sendable {
    public let descriptor: Int32
    /// The address it is bound to (the port the system picked for port 0).
    public let address: Endpoint

    /// Binds `endpoint` and listens with `backlog`; `reusePort` lets one socket per loop share
    /// the address (`SO_REUSEPORT`), the kernel spreading connections over them.
    public init(_ endpoint: Endpoint, backlog: Int, reusePort: Bool = false) throws(DataPlaneError) {
        let address = try SocketAddress(endpoint)
        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DataPlaneError("socket") }
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if reusePort { _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
        // Accepted sockets inherit it (no system call per connection): a relay writes what it
        // read at once, and the last bytes of a response must not wait for the client's
        // delayed acknowledgement (Nagle's algorithm stalled 1 MiB responses by 40 ms).
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        // Like nginx: [::]:PORT takes IPv6 only, so that 0.0.0.0:PORT can be listed beside it.
        if address.family == AF_INET6 { _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) }
        guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
            let error = DataPlaneError("bind \(endpoint)")
            Glibc.close(descriptor)
            throw error
        }
        guard listen(descriptor, Int32(clamping: backlog)) == 0 else {
            let error = DataPlaneError("listen")
            Glibc.close(descriptor)
            throw error
        }
        var bound = SocketAddress()
        _ = withUnsafeMutablePointer(to: &bound.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &bound.length) }
        }
        self.descriptor = descriptor
        self.address = bound.endpoint
    }

    /// Takes a listening TCP socket this process was given (systemd's socket activation):
    /// made non-blocking and close-on-exec, with `TCP_NODELAY` for the connections it accepts.
    /// Anything but a listening stream socket is refused.
    public init(adopting descriptor: Int32) throws(DataPlaneError) {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &value, &length) == 0 else { throw DataPlaneError("descriptor \(descriptor)") }
        guard value == Int32(SOCK_STREAM.rawValue) else { throw DataPlaneError("descriptor \(descriptor) (not a stream socket)", code: ENOTSOCK) }
        guard getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &value, &length) == 0, value == 1 else {
            throw DataPlaneError("descriptor \(descriptor) (not listening)", code: EINVAL)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var bound = SocketAddress()
        _ = withUnsafeMutablePointer(to: &bound.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &bound.length) }
        }
        guard bound.family == AF_INET || bound.family == AF_INET6 else {
            throw DataPlaneError("descriptor \(descriptor) (not IPv4 or IPv6)", code: EAFNOSUPPORT)
        }
        self.descriptor = descriptor
        self.address = bound.endpoint
    }

    public func close() {
        _ = Glibc.close(descriptor)
    }
}
