#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_NETFILTER socket bound to one netfilter queue: receives the packets the firewall
/// sends there and gives them their verdicts.
///
/// Receiving is for one thread; verdicts may be sent from any thread (each is one datagram).
public final class NFQueueSocket: @unchecked Sendable {
    /// The queue number bound.
    public let queue: UInt16
    private let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// Binds the first free queue number of `range`. With `failOpen`, packets pass when the
    /// queue already holds `maximumLength`; otherwise the kernel drops them.
    public init(
        range: ClosedRange<UInt16>, maximumLength: UInt32, failOpen: Bool, copyRange: UInt32 = 256
    ) throws(NetfilterError) {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.netlinkNetfilter)
        guard descriptor >= 0 else { throw .systemCall("socket", errno: errno) }
        var limit = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var size: Int32 = 8 << 20
        if setsockopt(descriptor, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var on: Int32 = 1
        setsockopt(descriptor, Self.solNetlink, Self.noENOBUFS, &on, socklen_t(MemoryLayout<Int32>.size))
        do throws(NetfilterError) {
            self.queue = try Self.bindFirstFree(descriptor, range: range)
            let settings = NFQueueProtocol.configure(
                queue: queue, sequence: 1, copyRange: copyRange, maximumLength: maximumLength, failOpen: failOpen)
            let code = try Self.request(descriptor, settings, "configure the netfilter queue")
            guard code == 0 else { throw NetfilterError.refused("configure netfilter queue \(queue)", errno: code) }
        } catch {
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        limit = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(descriptor)
    }

    /// The packets of the next datagram; empty after 200 ms without one (so the reading thread
    /// can check whether to stop), or when the kernel dropped messages for want of room.
    public func receive() throws(NetfilterError) -> [QueuedPacket] {
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            switch errno {
            case EINTR, EAGAIN, EWOULDBLOCK, ENOBUFS: return []
            case let code: throw .systemCall("recv", errno: code)
            }
        }
        return NFQueueProtocol.parse(buffer[0..<count]).compactMap { message in
            if case .packet(let packet) = message { return packet }
            return nil
        }
    }

    /// Gives packet `id` its verdict (and mark).
    public func verdict(_ verdict: NFQueueVerdict, packet id: UInt32, mark: UInt32? = nil) {
        let message = NFQueueProtocol.verdict(verdict, packet: id, queue: queue, mark: mark)
        _ = NetlinkMessage.send(message, on: descriptor)
    }

    /// Unbinds the queue; packets still held without a verdict are dropped by the kernel.
    public func unbind() {
        _ = NetlinkMessage.send(NFQueueProtocol.unbind(queue: queue, sequence: 2), on: descriptor)
    }

    // MARK: Plumbing

    /// Binds the first queue number of `range` no other program holds.
    private static func bindFirstFree(_ descriptor: Int32, range: ClosedRange<UInt16>) throws(NetfilterError) -> UInt16 {
        for queue in range {
            let code = try request(descriptor, NFQueueProtocol.bind(queue: queue, sequence: UInt32(queue)), "bind a netfilter queue")
            if code == 0 { return queue }
            if code == EPERM, queue == range.lowerBound, !hasNetAdmin() { throw .notPermitted }
            if code != EPERM && code != EBUSY { throw .refused("bind netfilter queue \(queue)", errno: code) }
        }
        throw .noFreeQueue(range)
    }

    private static let netlinkNetfilter: Int32 = 12
    private static let solNetlink: Int32 = 270
    private static let noENOBUFS: Int32 = 5

    /// Sends a request and waits for its acknowledgement: 0, or the errno the kernel refused it with.
    private static func request(_ descriptor: Int32, _ message: [UInt8], _ what: String) throws(NetfilterError) -> Int32 {
        guard NetlinkMessage.send(message, on: descriptor) else { throw .systemCall("sendto", errno: errno) }
        let sequence = ByteReader(message[...]).uint32(at: 8) ?? 0
        var reply = [UInt8](repeating: 0, count: 8192)
        for _ in 0..<16 {
            let count = reply.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count >= 0 else {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut(what) }
                throw .systemCall("recv", errno: errno)
            }
            for case .acknowledgement(let acknowledged, let code) in NFQueueProtocol.parse(reply[0..<count]) where acknowledged == sequence {
                return code
            }
        }
        throw .timedOut(what)
    }

    /// Whether this process has CAP_NET_ADMIN in effect (bit 12 of `CapEff` in /proc/self/status).
    public static func hasNetAdmin() -> Bool {
        guard let status = ProcFiles.text("/proc/self/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let bits = UInt64(line.dropFirst("CapEff:".count).filter { !$0.isWhitespace }, radix: 16)
        else { return geteuid() == 0 }
        return bits & (1 << 12) != 0
    }
}
