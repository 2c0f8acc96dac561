import Testing
@testable import UsherKernel
import UsherCore

/// netfilter's queue messages and the SYNs read from queued packets, as bytes, without a socket.
@Suite("Netfilter queue: messages and SYNs")
struct NFQueueTests {
    /// An IPv4 SYN from 127.0.0.1:40000 to 127.0.0.1:8080 with MSS 65495, SACK permitted,
    /// timestamps, a NOP and window scale 7 (what Linux sends on loopback).
    static let ipv4SYN: [UInt8] = [
        0x45, 0, 0, 60, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
        0x9C, 0x40, 0x1F, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0xA0, 0x02, 0xFF, 0xD7, 0, 0, 0, 0,
        2, 4, 0xFF, 0xD7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
    ]

    @Test("a verdict is a netlink message of the queue subsystem with the verdict, the packet ID and the mark, in network order")
    func verdictBytes() {
        let bytes = NFQueueProtocol.verdict(.repeat, packet: 0x0102_0304, queue: 20_000, mark: 0x7500_0001)
        #expect(bytes.count == 16 + 4 + 12 + 8)
        #expect(Array(bytes[4..<6]) == [0x01, 0x03], "type NFQNL_MSG_VERDICT of NFNL_SUBSYS_QUEUE, little-endian")
        #expect(Array(bytes[18..<20]) == [0x4E, 0x20], "the queue number, big-endian")
        #expect(Array(bytes[20..<24]) == [12, 0, 2, 0], "NFQA_VERDICT_HDR")
        #expect(Array(bytes[24..<32]) == [0, 0, 0, 4, 1, 2, 3, 4], "NF_REPEAT, then the packet ID")
        #expect(Array(bytes[32..<40]) == [8, 0, 3, 0, 0x75, 0, 0, 1], "NFQA_MARK")
    }

    @Test("a packet message gives its ID, queue and bytes; an acknowledgement its errno; junk nothing")
    func parsePackets() {
        var payload: [UInt8] = [2, 0, 0x4E, 0x20]
        payload += [11, 0, 1, 0, 0, 0, 0, 42, 0x08, 0x00, 1, 0]  // NFQA_PACKET_HDR: id 42, IPv4, hook 1
        payload += [UInt8(4 + Self.ipv4SYN.count), 0, 10, 0] + Self.ipv4SYN
        let message = NetlinkMessage.encode(type: 0x0300, flags: 0, sequence: 0, payload: payload)
        let refusal = NetlinkMessage.encode(type: 2, flags: 0, sequence: 7, payload: [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 16))
        let parsed = NFQueueProtocol.parse((message + refusal)[...])
        #expect(parsed == [
            .packet(QueuedPacket(id: 42, queue: 20_000, bytes: Self.ipv4SYN)),
            .acknowledgement(sequence: 7, errno: 1),
        ])
        #expect(NFQueueProtocol.parse([1, 2, 3][...]).isEmpty)
        #expect(NFQueueProtocol.parse([255, 255, 0, 0, 0, 3, 0, 0][...]).isEmpty, "a length past the end")
    }

    @Test("a SYN's addresses, ports and options are read; a SYN-ACK is not a connection request")
    func ipv4Segment() throws {
        let segment = try #require(SYNSegment(packet: Self.ipv4SYN))
        #expect(segment.source == Endpoint(host: "127.0.0.1", port: 40_000))
        #expect(segment.destination == Endpoint(host: "127.0.0.1", port: 8080))
        #expect(segment.isConnectionRequest)
        #expect(segment.sequenceNumber == 1)
        #expect(segment.options.summary == "mss=65495 wscale=7 sack ts")
        #expect(segment.dataLength == 0)
        var synAck = Self.ipv4SYN
        synAck[33] = 0x12
        #expect(SYNSegment(packet: synAck)?.isConnectionRequest == false)
    }

    @Test("IPv6: addresses in their short form; a TFO cookie is seen")
    func ipv6Segment() throws {
        var packet: [UInt8] = [0x60, 0, 0, 0, 0, 28, 6, 64]
        packet += [UInt8](repeating: 0, count: 15) + [1]  // ::1
        packet += [UInt8](repeating: 0, count: 15) + [1]
        packet += [0x9C, 0x40, 0x1F, 0x90, 0, 0, 0, 1, 0, 0, 0, 0, 0x70, 0x02, 0xFF, 0xFF, 0, 0, 0, 0]
        packet += [34, 6, 1, 2, 3, 4, 1, 1]  // a Fast Open cookie, two NOPs
        let segment = try #require(SYNSegment(packet: packet))
        #expect(segment.source == Endpoint(host: "::1", port: 40_000))
        #expect(segment.options.summary == "tfo=cookie")
    }

    @Test("cut-short, non-TCP and hostile packets give nil or what could be read, never a trap", arguments: 0..<60)
    func truncated(length: Int) {
        _ = SYNSegment(packet: Array(Self.ipv4SYN.prefix(length)))
        var lying = Self.ipv4SYN
        lying[32] = 0xF0  // a TCP header of 60 bytes in a 40-byte packet
        lying[40] = 2; lying[41] = 200  // an option longer than what is left
        #expect(SYNSegment(packet: lying)?.options.maximumSegmentSize == nil)
        var udp = Self.ipv4SYN
        udp[9] = 17
        #expect(SYNSegment(packet: udp) == nil)
    }
}
