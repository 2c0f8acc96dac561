/// The `inet_diag` part of NETLINK_SOCK_DIAG: the dump request for TCP listeners and the reply
/// messages (`linux/inet_diag.h`, `linux/sock_diag.h`).
enum InetDiag {
    /// `NETLINK_SOCK_DIAG`, the netlink protocol.
    static let netlinkProtocol: Int32 = 4
    /// `SOCK_DIAG_BY_FAMILY`: the request and reply message type.
    static let byFamily: UInt16 = 20
    static let addressFamilyIPv4: UInt8 = 2
    static let addressFamilyIPv6: UInt8 = 10
    static let protocolTCP: UInt8 = 6
    /// `TCP_LISTEN` in the kernel's TCP state numbering.
    static let stateListen: UInt8 = 10
    /// `INET_DIAG_SKV6ONLY`: a u8 attribute, 1 when the socket is IPv6-only.
    static let attributeV6Only: UInt16 = 11
    /// `sizeof(struct inet_diag_msg)`.
    static let messageLength = 72

    /// A dump request (`struct inet_diag_req_v2`) for TCP sockets of `family` in LISTEN.
    static func listenerDumpRequest(family: ListeningSocket.Family, sequence: UInt32) -> [UInt8] {
        var request = ByteWriter()
        request.append(family == .ipv4 ? addressFamilyIPv4 : addressFamilyIPv6)
        request.append(protocolTCP)
        request.append(UInt8(0))  // idiag_ext: no extensions needed
        request.append(UInt8(0))  // pad
        request.append(UInt32(1) << UInt32(stateListen))  // idiag_states
        request.appendZeros(48)  // struct inet_diag_sockid: match every socket
        return NetlinkMessage.encode(
            type: byFamily, flags: NetlinkMessage.Flag.request | NetlinkMessage.Flag.dump, sequence: sequence,
            payload: request.bytes)
    }

    /// A listener from one reply payload (`struct inet_diag_msg` then attributes); `nil` when
    /// the payload is short, of an unknown family, or not a listener.
    ///
    /// Layout: family, state, timer, retrans (u8 each); sockid at 4 (sport, dport big-endian u16;
    /// src, dst 16 bytes each; if u32; cookie 2×u32); expires, rqueue, wqueue, uid, inode (u32)
    /// at 52, 56, 60, 64, 68.
    static func listener(from payload: ArraySlice<UInt8>) -> ListeningSocket? {
        let reader = ByteReader(payload)
        guard reader.count >= messageLength, let rawFamily = reader.uint8(at: 0), let state = reader.uint8(at: 1),
            state == stateListen, let port = reader.uint16BigEndian(at: 4), let source = reader.slice(at: 8, length: 16),
            let interfaceIndex = reader.uint32(at: 40), let cookieLow = reader.uint32(at: 44),
            let cookieHigh = reader.uint32(at: 48), let depth = reader.uint32(at: 56), let limit = reader.uint32(at: 60),
            let uid = reader.uint32(at: 64), let inode = reader.uint32(at: 68)
        else { return nil }
        let family: ListeningSocket.Family
        switch rawFamily {
        case addressFamilyIPv4: family = .ipv4
        case addressFamilyIPv6: family = .ipv6
        default: return nil
        }
        var socket = ListeningSocket(
            family: family, address: Array(source.prefix(family == .ipv4 ? 4 : 16)), port: port,
            interfaceIndex: interfaceIndex, depth: Int(depth), limit: Int(limit), uid: uid, inode: UInt64(inode),
            cookie: UInt64(cookieHigh) << 32 | UInt64(cookieLow))
        if let flag = NetlinkAttribute.first(ofType: attributeV6Only, in: payload.dropFirst(messageLength))?.first {
            socket.v6Only = flag != 0
        }
        return socket
    }
}
