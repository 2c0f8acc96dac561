/// Netlink replies captured from a Linux 6.18 kernel, cut down to the test's own listeners.
enum CapturedReplies {
    /// IPv4, sequence 77: `127.0.0.1:53635`, `listen(5)` with 3 connections waiting, inode
    /// 10742082, cookie 0x22, attributes SHUTDOWN, MARK, CGROUP_ID and SOCKOPT.
    static let ipv4 = bytes(
        "7c000000140002004d0000002a770000020a0000d18300007f000001000000000000000000000000000000000000000000000000000000000000000022000000000000000000000003000000050000000000000042e9a300050008000000000008000f00000000000c00150001000000000000000600160052000000")
    /// IPv6, sequence 77: `[::]:52361` taking IPv4 too (SKV6ONLY 0), `listen(7)`, empty.
    static let ipv6 = bytes(
        "84000000140002004d0000002a7700000a0a0000cc89000000000000000000000000000000000000000000000000000000000000000000000000000023000000000000000000000000000000070000000000000046e9a300050008000000000005000b000000000008000f00000000000c00150001000000000000000600160012000000")
    /// NLMSG_DONE, sequence 77.
    static let done = bytes("14000000030002004d0000002a77000000000000")

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }

    /// A netlink message of `type` with `payload`, for hand-made replies.
    static func message(type: UInt16, flags: UInt16 = 2, sequence: UInt32 = 77, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(16 + payload.count)
        var bytes = le(length, 4) + le(UInt32(type), 2) + le(UInt32(flags), 2) + le(sequence, 4) + le(0, 4) + payload
        bytes += [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
        return bytes
    }

    static func le(_ value: UInt32, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }
}
