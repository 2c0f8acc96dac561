import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A blocking Unix stream connection that carries messages with descriptors: what one usher
/// hands to the next on a restart (listening sockets, held clients, proxied pairs). A message is
/// a 4-byte length and its bytes; the descriptors travel with the length (`SCM_RIGHTS`), at most
/// ``maxDescriptors`` a message.
///
/// The old process listens on an abstract socket named after its control socket (nothing on
/// disk to leave behind); only its own user and root may connect.
public struct HandOverChannel: Sendable {
    public let descriptor: Int32

    /// The most descriptors one message carries.
    public static let maxDescriptors = Int(USHER_MAX_PASSED_DESCRIPTORS)
    /// The longest message read.
    public static let maxMessage = 64 << 20

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The abstract name the usher serving `control` listens on for its successor.
    public static func name(forControl control: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in control.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return "usher-takeover-" + String(hash, radix: 16)
    }

    /// Listens on the abstract `name`.
    public static func listen(name: String) throws(DataPlaneError) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DataPlaneError("socket") }
        var (address, length) = abstractAddress(name)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, Glibc.listen(descriptor, 4) == 0 else {
            let error = DataPlaneError("bind \(name)")
            Glibc.close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Connects to the abstract `name`.
    public static func connect(name: String) throws(DataPlaneError) -> HandOverChannel {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw DataPlaneError("socket") }
        var (address, length) = abstractAddress(name)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, length) }
        }
        guard connected == 0 else {
            let error = DataPlaneError("connect")
            Glibc.close(descriptor)
            throw error
        }
        return HandOverChannel(descriptor: descriptor)
    }

    private static func abstractAddress(_ name: String) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = [0] + Array(name.utf8.prefix(100))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index] = byte }
        }
        let length = MemoryLayout<sa_family_t>.size + bytes.count
        return (address, socklen_t(length))
    }

    /// Takes the next connection on the listening `descriptor`; `nil` when it is closed.
    public static func accept(on descriptor: Int32) -> HandOverChannel? {
        while true {
            let accepted = usher_accept4(descriptor, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
            if accepted >= 0 { return HandOverChannel(descriptor: accepted) }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    /// The connected peer's user ID (`SO_PEERCRED`).
    public var peerUID: uid_t? {
        var uid: UInt32 = 0
        return usher_peer_uid(descriptor, &uid) == 0 ? uid : nil
    }

    /// Gives up on reads and writes that take longer than `seconds`.
    public func setTimeout(seconds: Int) {
        var time = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `payload` with `descriptors` (duplicated by the kernel: the caller still owns them).
    public func send(_ payload: [UInt8], descriptors: [Int32] = []) throws(DataPlaneError) {
        guard descriptors.count <= Self.maxDescriptors else { throw DataPlaneError("sendmsg", code: EINVAL) }
        let count = UInt32(payload.count)
        let header: [UInt8] = [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)]
        let sent = header.withUnsafeBytes { bytes in
            descriptors.withUnsafeBufferPointer { passed in
                usher_send_with_descriptors(descriptor, bytes.baseAddress, UInt(bytes.count), passed.baseAddress, Int32(passed.count))
            }
        }
        guard sent == header.count else { throw DataPlaneError("sendmsg", code: sent < 0 ? errno : EPIPE) }
        try writeAll(payload)
    }

    private func writeAll(_ bytes: [UInt8]) throws(DataPlaneError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw DataPlaneError("send")
            }
            offset += written
        }
    }

    /// The next message and the descriptors that came with it; `nil` at the end of the stream.
    public func receive() throws(DataPlaneError) -> (payload: [UInt8], descriptors: [Int32])? {
        var header = [UInt8](repeating: 0, count: 4)
        var passed = [Int32](repeating: -1, count: Self.maxDescriptors)
        var count: Int32 = 0
        let received = header.withUnsafeMutableBytes { bytes in
            passed.withUnsafeMutableBufferPointer { descriptors in
                usher_receive_with_descriptors(descriptor, bytes.baseAddress, 4, descriptors.baseAddress, &count)
            }
        }
        let descriptors = Array(passed.prefix(Int(count)))
        if received == 0 { return nil }
        guard received == 4 else {
            let error = DataPlaneError("recvmsg", code: received < 0 ? errno : EPROTO)
            for passed in descriptors { Glibc.close(passed) }
            throw error
        }
        let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
        guard length <= Self.maxMessage else {
            for passed in descriptors { Glibc.close(passed) }
            throw DataPlaneError("a message of \(length) bytes", code: EMSGSIZE)
        }
        var payload = [UInt8](repeating: 0, count: length)
        var offset = 0
        while offset < length {
            let read = payload.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + offset, length - offset, 0) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else {
                let error = DataPlaneError("recv", code: read < 0 ? errno : EPIPE)
                for passed in descriptors { Glibc.close(passed) }
                throw error
            }
            offset += read
        }
        return (payload, descriptors)
    }

    public func close() {
        _ = Glibc.close(descriptor)
    }
}
