/// The messages of netfilter's packet queue (`nfnetlink_queue`) that the guard speaks, as bytes:
/// binding a queue, its settings, verdicts, and the packets the kernel hands over. Sans-IO.
///
/// Every message is a netlink header, a `struct nfgenmsg { u8 family; u8 version; be16 res_id; }`
/// whose `res_id` is the queue number, then attributes; the attributes' integers are in network
/// byte order.
public enum NFQueueProtocol {
    /// `NFNL_SUBSYS_QUEUE`, in the high byte of the message type.
    static let subsystem: UInt16 = 3 << 8

    enum MessageType {
        static let packet: UInt16 = 0
        static let verdict: UInt16 = 1
        static let config: UInt16 = 2
    }

    enum ConfigAttribute {
        static let command: UInt16 = 1
        static let parameters: UInt16 = 2
        static let queueLength: UInt16 = 3
        static let mask: UInt16 = 4
        static let flags: UInt16 = 5
    }

    enum PacketAttribute {
        static let header: UInt16 = 1
        static let verdictHeader: UInt16 = 2
        static let mark: UInt16 = 3
        static let payload: UInt16 = 10
    }

    enum Command {
        static let bind: UInt8 = 1
        static let unbind: UInt8 = 2
    }

    /// `NFQA_CFG_F_FAIL_OPEN`: when the queue is full, packets pass instead of being dropped.
    static let failOpenFlag: UInt32 = 1
    /// `NFQNL_COPY_PACKET`: hand over the packet's bytes.
    static let copyPacket: UInt8 = 2

    /// Binds `queue` to this socket.
    static func bind(queue: UInt16, sequence: UInt32) -> [UInt8] {
        config(queue: queue, sequence: sequence, attributes: [(ConfigAttribute.command, [Command.bind, 0, 0, 0])])
    }

    /// Unbinds `queue`: the kernel drops what it still holds for it.
    static func unbind(queue: UInt16, sequence: UInt32) -> [UInt8] {
        config(queue: queue, sequence: sequence, attributes: [(ConfigAttribute.command, [Command.unbind, 0, 0, 0])])
    }

    /// Copies the first `copyRange` bytes of each packet, holds at most `maximumLength` packets,
    /// and with `failOpen` lets packets pass when the queue is full.
    static func configure(queue: UInt16, sequence: UInt32, copyRange: UInt32, maximumLength: UInt32, failOpen: Bool) -> [UInt8] {
        let flags = failOpen ? failOpenFlag : 0
        return config(queue: queue, sequence: sequence, attributes: [
            (ConfigAttribute.parameters, bigEndian(copyRange) + [copyPacket]),
            (ConfigAttribute.queueLength, bigEndian(maximumLength)),
            (ConfigAttribute.flags, bigEndian(flags)),
            (ConfigAttribute.mask, bigEndian(failOpenFlag)),
        ])
    }

    /// The verdict on packet `id` of `queue`, setting its mark when `mark` is given.
    static func verdict(_ verdict: NFQueueVerdict, packet id: UInt32, queue: UInt16, mark: UInt32?) -> [UInt8] {
        var attributes: [(UInt16, [UInt8])] = [(PacketAttribute.verdictHeader, bigEndian(verdict.rawValue) + bigEndian(id))]
        if let mark { attributes.append((PacketAttribute.mark, bigEndian(mark))) }
        return message(type: MessageType.verdict, flags: NetlinkMessage.Flag.request, queue: queue, sequence: 0, attributes: attributes)
    }

    /// What one message from the kernel says.
    enum Received: Equatable {
        case packet(QueuedPacket)
        /// An acknowledgement (`errno` 0) or a refusal of the request with this sequence number.
        case acknowledgement(sequence: UInt32, errno: Int32)
        case other
    }

    /// The messages of one datagram.
    static func parse(_ datagram: ArraySlice<UInt8>) -> [Received] {
        NetlinkMessage.split(datagram).messages.map(parse)
    }

    private static func parse(_ message: NetlinkMessage) -> Received {
        if message.type == NetlinkMessage.Kind.error {
            let code = ByteReader(message.payload).uint32(at: 0).map { Int32(bitPattern: $0) } ?? 0
            return .acknowledgement(sequence: message.sequence, errno: -code)
        }
        guard message.type == subsystem | MessageType.packet, message.payload.count >= 4 else { return .other }
        let attributes = message.payload.dropFirst(4)
        guard let header = NetlinkAttribute.first(ofType: PacketAttribute.header, in: attributes),
              let id = ByteReader(header).uint32BigEndian(at: 0),
              let payload = NetlinkAttribute.first(ofType: PacketAttribute.payload, in: attributes)
        else { return .other }
        let queue = ByteReader(message.payload).uint16BigEndian(at: 2) ?? 0
        return .packet(QueuedPacket(id: id, queue: queue, bytes: Array(payload)))
    }

    private static func config(queue: UInt16, sequence: UInt32, attributes: [(UInt16, [UInt8])]) -> [UInt8] {
        message(
            type: MessageType.config, flags: NetlinkMessage.Flag.request | NetlinkMessage.Flag.acknowledge,
            queue: queue, sequence: sequence, attributes: attributes)
    }

    private static func message(type: UInt16, flags: UInt16, queue: UInt16, sequence: UInt32, attributes: [(UInt16, [UInt8])]) -> [UInt8] {
        var payload: [UInt8] = [0, 0] + bigEndian(queue)
        for (kind, value) in attributes {
            var writer = ByteWriter()
            writer.append(UInt16(NetlinkAttribute.headerLength + value.count))
            writer.append(kind)
            payload += writer.bytes + value
            payload += [UInt8](repeating: 0, count: NetlinkMessage.aligned(value.count) - value.count)
        }
        return NetlinkMessage.encode(type: subsystem | type, flags: flags, sequence: sequence, payload: payload)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] {
        [UInt8(value >> 8), UInt8(value & 0xFF)]
    }
}

/// What becomes of a queued packet.
public enum NFQueueVerdict: UInt32, Sendable {
    /// Discard it.
    case drop = 0
    /// Let it on, past the rest of the table.
    case accept = 1
    /// Send it through the hook again from the start (with a new mark, to another rule).
    case `repeat` = 4
}

/// A packet the kernel holds in the queue until it gets a verdict.
public struct QueuedPacket: Equatable, Sendable {
    /// The kernel's ID for it, to name in the verdict.
    public var id: UInt32
    public var queue: UInt16
    /// The IP packet (as much of it as was copied).
    public var bytes: [UInt8]

    public init(id: UInt32, queue: UInt16, bytes: [UInt8]) {
        self.id = id
        self.queue = queue
        self.bytes = bytes
    }
}
