import Testing
import UsherTestSupport
@testable import UsherKernel

@Suite("Netlink inet_diag parsing", .timeLimit(.minutes(1)))
struct NetlinkParserTests {
    private func consume(_ datagrams: [UInt8]...) throws(KernelError) -> (ListenerDump, ListenerDump.Progress) {
        var dump = ListenerDump(sequence: 77)
        var progress = ListenerDump.Progress.more
        for datagram in datagrams {
            progress = try dump.consume(datagram[...])
        }
        return (dump, progress)
    }

    @Test("a captured IPv4 reply: address, port, queue, limit, inode, cookie")
    func capturedIPv4() throws {
        let (dump, progress) = try consume(CapturedReplies.ipv4, CapturedReplies.done)
        #expect(progress == .done(interrupted: false))
        #expect(dump.skipped == 0)
        let socket = try #require(dump.sockets.first)
        #expect(dump.sockets.count == 1)
        #expect(socket.family == .ipv4)
        #expect(socket.address == [127, 0, 0, 1])
        #expect(socket.port == 53635)
        #expect(socket.depth == 3)
        #expect(socket.limit == 5)
        #expect(socket.inode == 10_742_082)
        #expect(socket.cookie == 0x22)
        #expect(socket.uid == 0)
        #expect(socket.v6Only == nil)
        #expect(SocketAddressText.text(of: socket) == "127.0.0.1:53635")
    }

    @Test("a captured IPv6 reply: the wildcard taking IPv4 too prints as *")
    func capturedIPv6() throws {
        let (dump, _) = try consume(CapturedReplies.ipv6 + CapturedReplies.done)
        let socket = try #require(dump.sockets.first)
        #expect(socket.family == .ipv6)
        #expect(socket.isWildcard)
        #expect(socket.v6Only == false)
        #expect(socket.limit == 7)
        #expect(SocketAddressText.text(of: socket) == "*:52361")
    }

    @Test("every truncation of a reply is skipped or read whole, never misread")
    func truncations() throws {
        let reply = CapturedReplies.ipv4 + CapturedReplies.done
        let whole = try consume(reply).0.sockets
        for length in 0..<reply.count {
            let (dump, _) = try consume(Array(reply.prefix(length)))
            #expect(dump.sockets.isEmpty || dump.sockets == whole, "prefix of \(length) bytes")
        }
    }

    @Test("random garbage never crashes, hangs or invents a listener with a wrong family")
    func garbage() throws {
        var generator = SeededRandom("NetlinkParserTests.garbage")
        for round in 0..<2000 {
            var bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if round % 2 == 0, bytes.count >= 16 {
                // A plausible header over a garbage body, so the payload parser is exercised too.
                let header = CapturedReplies.message(type: 20, payload: Array(bytes[16...]))
                bytes = Array(header.prefix(16)) + bytes[16...]
            }
            var dump = ListenerDump(sequence: 77)
            _ = try? dump.consume(bytes[...])
            #expect(dump.sockets.allSatisfy { $0.address.count == ($0.family == .ipv4 ? 4 : 16) })
        }
    }

    @Test("a header claiming a zero or huge length ends the datagram, counted as skipped")
    func badLengths() throws {
        for length: UInt32 in [0, 3, 15, 0xFFFF_FFFF] {
            let header = CapturedReplies.le(length, 4) + [20, 0, 2, 0] + CapturedReplies.le(77, 4) + [0, 0, 0, 0]
            let (dump, progress) = try consume(header + CapturedReplies.ipv4)
            #expect(dump.sockets.isEmpty)
            #expect(dump.skipped == 1)
            #expect(progress == .more)
        }
    }

    @Test("a short message is skipped; unknown and oversized attributes are ignored")
    func shortAndUnknown() throws {
        let short = CapturedReplies.message(type: 20, payload: Array(CapturedReplies.ipv4[16..<60]))
        var body = Array(CapturedReplies.ipv4[16..<(16 + 72)])
        body += [8, 0, 0xEE, 0x0F, 1, 2, 3, 4]  // an unknown attribute type
        body += [200, 0, 11, 0, 1]  // SKV6ONLY claiming 200 bytes
        let (dump, _) = try consume(short + CapturedReplies.message(type: 20, payload: body) + CapturedReplies.done)
        #expect(dump.skipped == 1)
        #expect(dump.sockets.count == 1)
        #expect(dump.sockets.first?.v6Only == nil)
        #expect(dump.sockets.first?.port == 53635)
    }

    @Test("a socket not in LISTEN or of another family is not taken")
    func otherStatesAndFamilies() throws {
        var established = Array(CapturedReplies.ipv4[16...])
        established[1] = 1
        var unix = Array(CapturedReplies.ipv4[16...])
        unix[0] = 1
        let (dump, _) = try consume(
            CapturedReplies.message(type: 20, payload: established) + CapturedReplies.message(type: 20, payload: unix))
        #expect(dump.sockets.isEmpty)
        #expect(dump.skipped == 2)
    }

    @Test("NLMSG_ERROR is a typed error; an acknowledgement and other sequences are ignored")
    func errors() throws {
        let permissionDenied = CapturedReplies.message(type: 2, payload: CapturedReplies.le(UInt32(bitPattern: -1), 4))
        #expect(throws: KernelError.kernelRefused(errno: 1)) { try consume(permissionDenied) }
        let acknowledgement = CapturedReplies.message(type: 2, payload: CapturedReplies.le(0, 4))
        let otherSequence = CapturedReplies.message(type: 3, sequence: 5, payload: [0, 0, 0, 0])
        let (_, progress) = try consume(acknowledgement + otherSequence)
        #expect(progress == .more)
        #expect(throws: KernelError.overrun) { try consume(CapturedReplies.message(type: 4, payload: [])) }
    }

    @Test("a dump the kernel marks as interrupted says so")
    func interrupted() throws {
        let (_, progress) = try consume(CapturedReplies.message(type: 3, flags: 0x12, payload: [0, 0, 0, 0]))
        #expect(progress == .done(interrupted: true))
    }

    @Test("the dump request is an inet_diag_req_v2 for TCP LISTEN sockets")
    func request() {
        let request = InetDiag.listenerDumpRequest(family: .ipv6, sequence: 9)
        #expect(request.count == 72)
        #expect(Array(request[0..<4]) == [72, 0, 0, 0])
        #expect(Array(request[4..<8]) == [20, 0, 0x01, 0x03])  // SOCK_DIAG_BY_FAMILY, REQUEST | DUMP
        #expect(Array(request[8..<12]) == [9, 0, 0, 0])
        #expect(Array(request[16..<24]) == [10, 6, 0, 0, 0, 4, 0, 0])  // AF_INET6, TCP, 1 << TCP_LISTEN
        #expect(request[24...].allSatisfy { $0 == 0 })
    }

    @Test("addresses print as ss prints them", arguments: [
        (ListeningSocket(family: .ipv4, address: [0, 0, 0, 0], port: 22, depth: 0, limit: 1), nil, "0.0.0.0:22"),
        (ListeningSocket(family: .ipv6, address: [UInt8](repeating: 0, count: 15) + [1], port: 80, depth: 0, limit: 1), nil, "[::1]:80"),
        (ListeningSocket(family: .ipv6, address: [UInt8](repeating: 0, count: 16), port: 80, depth: 0, limit: 1, v6Only: true), nil, "[::]:80"),
        (ListeningSocket(family: .ipv4, address: [127, 0, 0, 53], port: 53, depth: 0, limit: 1), "lo", "127.0.0.53%lo:53"),
    ] as [(ListeningSocket, String?, String)])
    func addressText(socket: ListeningSocket, interface: String?, expected: String) {
        #expect(SocketAddressText.text(of: socket, interfaceName: interface) == expected)
    }
}
