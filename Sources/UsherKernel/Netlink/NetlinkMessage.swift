#if canImport(Glibc)
import Glibc
#endif

/// One netlink message: the `nlmsghdr` fields and its payload.
///
/// `struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }`, 16 bytes, followed by
/// the payload; messages in a datagram are aligned to 4 bytes.
struct NetlinkMessage: Equatable {
    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var portID: UInt32
    var payload: ArraySlice<UInt8>

    static let headerLength = 16

    /// Message types every netlink family shares.
    enum Kind {
        static let error: UInt16 = 2
        static let done: UInt16 = 3
        static let overrun: UInt16 = 4
    }

    /// Header flags.
    enum Flag {
        static let request: UInt16 = 0x1
        static let multi: UInt16 = 0x2
        /// Asks for an acknowledgement (an error message with errno 0 on success).
        static let acknowledge: UInt16 = 0x4
        static let root: UInt16 = 0x100
        static let match: UInt16 = 0x200
        static let dump: UInt16 = root | match
        /// On NLMSG_DONE: the dump was interrupted and may be inconsistent.
        static let dumpInterrupted: UInt16 = 0x10
    }

    /// The length `length` takes once aligned to netlink's 4 bytes.
    static func aligned(_ length: Int) -> Int {
        (length + 3) & ~3
    }

    /// The messages of one datagram. A header that claims more bytes than there are, or fewer
    /// than a header, ends the walk and is reported as `truncated`.
    static func split(_ datagram: ArraySlice<UInt8>) -> (messages: [NetlinkMessage], truncated: Bool) {
        var messages: [NetlinkMessage] = []
        var offset = 0
        let reader = ByteReader(datagram)
        while offset < reader.count {
            guard let length = reader.uint32(at: offset).map(Int.init), let type = reader.uint16(at: offset + 4),
                let flags = reader.uint16(at: offset + 6), let sequence = reader.uint32(at: offset + 8),
                let portID = reader.uint32(at: offset + 12), length >= headerLength,
                let payload = reader.slice(at: offset + headerLength, length: length - headerLength)
            else { return (messages, true) }
            messages.append(NetlinkMessage(type: type, flags: flags, sequence: sequence, portID: portID, payload: payload))
            offset += aligned(length)
        }
        return (messages, false)
    }

    /// `struct sockaddr_nl { u16 family; u16 pad; u32 pid (0: the kernel); u32 groups; }` of the kernel.
    private static let kernelAddress: [UInt8] = {
        var address = ByteWriter()
        address.append(UInt16(AF_NETLINK))
        address.appendZeros(10)
        return address.bytes
    }()

    /// Sends `message` to the kernel on the netlink socket `descriptor`; `false` (with `errno`
    /// set) when not all of it went.
    static func send(_ message: [UInt8], on descriptor: Int32) -> Bool {
        let sent = message.withUnsafeBytes { bytes in
            kernelAddress.withUnsafeBytes { address in
                sendto(
                    descriptor, bytes.baseAddress, bytes.count, 0,
                    address.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
            }
        }
        return sent == message.count
    }

    /// The encoded message: header then payload.
    static func encode(type: UInt16, flags: UInt16, sequence: UInt32, payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(UInt32(headerLength + payload.count))
        writer.append(type)
        writer.append(flags)
        writer.append(sequence)
        writer.append(UInt32(0))
        return writer.bytes + payload
    }
}
