#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_SOCK_DIAG socket: sends listener dump requests and reads the replies.
///
/// One socket serves many dumps; it is not thread-safe (give each thread its own).
public final class SockDiagSocket {
    private let descriptor: Int32
    private var sequence: UInt32 = 0
    private var buffer: [UInt8]

    /// Opens the socket; `timeout` bounds each receive, so a kernel that never answers cannot
    /// hang the caller.
    public init(timeout: Duration = .seconds(2)) throws(KernelError) {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), InetDiag.netlinkProtocol)
        guard descriptor >= 0 else { throw .systemCall("socket", errno: errno) }
        self.descriptor = descriptor
        self.buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var limit = timeval(
            tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// Every TCP listener of the host's network namespace, IPv4 then IPv6. A dump the kernel
    /// marks as interrupted (the table changed meanwhile) is taken again, up to three times.
    public func listeners() throws(KernelError) -> [ListeningSocket] {
        try dump(.ipv4) + dump(.ipv6)
    }

    /// The listeners of one address family.
    public func dump(_ family: ListeningSocket.Family) throws(KernelError) -> [ListeningSocket] {
        for _ in 0..<3 {
            if let sockets = try dumpOnce(family) { return sockets }
        }
        throw .inconsistent
    }

    /// One dump; `nil` when the kernel marks it interrupted.
    private func dumpOnce(_ family: ListeningSocket.Family) throws(KernelError) -> [ListeningSocket]? {
        sequence &+= 1
        var reply = ListenerDump(sequence: sequence)
        try send(InetDiag.listenerDumpRequest(family: family, sequence: sequence))
        while true {
            let length = try receive()
            switch try reply.consume(buffer[0..<length]) {
            case .more: continue
            case .done(let interrupted): return interrupted ? nil : reply.sockets
            }
        }
    }

    private func send(_ request: [UInt8]) throws(KernelError) {
        guard NetlinkMessage.send(request, on: descriptor) else { throw .systemCall("sendto", errno: errno) }
    }

    /// One datagram into the buffer; its length.
    private func receive() throws(KernelError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_TRUNC))
            }
            if count >= 0 {
                guard count <= buffer.count else { throw .datagramTruncated(length: count) }
                return count
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: throw .timedOut
            case let code: throw .systemCall("recv", errno: code)
            }
        }
    }
}
