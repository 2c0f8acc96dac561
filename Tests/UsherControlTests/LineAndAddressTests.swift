import NIOCore
import Testing
import UsherCore
@testable import UsherControl
import UsherWire

@Suite("Control protocol: networks, roles")
struct LineAndAddressTests {
    @Test("CIDR networks match IPv4, IPv6 and IPv4-mapped peers")
    func prefixes() throws {
        let ten = try AddressPrefix.parse("10.0.0.0/8")
        #expect(ten.contains("10.200.3.4"))
        #expect(ten.contains("::ffff:10.1.1.1"))
        #expect(!ten.contains("11.0.0.1"))
        #expect(!ten.contains("::1"))
        let odd = try AddressPrefix.parse("192.168.1.128/25")
        #expect(odd.contains("192.168.1.200") && !odd.contains("192.168.1.127"))
        let loopback6 = try AddressPrefix.parse("[::1]")
        #expect(loopback6.contains("::1") && !loopback6.contains("::2"))
        #expect(loopback6.description == "::1")
        #expect(try AddressPrefix.parse("2001:db8::/32").contains("2001:db8:ffff::1"))
        #expect(throws: AddressPrefix.ParseError.badLength("10.0.0.0/33", maximum: 32)) {
            try AddressPrefix.parse("10.0.0.0/33")
        }
        #expect(throws: AddressPrefix.ParseError.notAnAddress("example.com")) { try AddressPrefix.parse("example.com") }
    }

    @Test("the daemon's user and root operate, the observers' group watches, others are refused")
    func roles() {
        let policy = AccessPolicy(ownerUID: 1000, observerGroup: ObserverGroup(name: "ops", gid: 500))
        let never: (PeerCredentials, UInt32) -> Bool = { _, _ in false }
        #expect(policy.role(for: PeerCredentials(pid: 1, uid: 1000, gid: 1000), isMember: never) == .operator)
        #expect(policy.role(for: PeerCredentials(pid: 1, uid: 0, gid: 0), isMember: never) == .operator)
        #expect(policy.role(for: PeerCredentials(pid: 1, uid: 1001, gid: 500), isMember: never) == .observer)
        #expect(policy.role(for: PeerCredentials(pid: 1, uid: 1002, gid: 1002), isMember: { $1 == 500 }) == .observer)
        #expect(policy.role(for: PeerCredentials(pid: 1, uid: 1003, gid: 1003), isMember: never) == nil)
        #expect(AccessPolicy(ownerUID: 1000).role(for: PeerCredentials(pid: 1, uid: 1001, gid: 500), isMember: never) == nil)
        #expect(policy.refusal(for: PeerCredentials(pid: 1, uid: 1003, gid: 1003))
            == "uid 1003 may not use this control socket; it serves uid 1000, root or members of group ops")
    }

    @Test("caller data previews show HTTP request line and Host, or printable bytes")
    func previews() {
        let http = CallerData(bytes: Array("GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8)).preview
        #expect(http.httpRequestLine == "GET /a HTTP/1.1")
        #expect(http.httpHost == "example.com")
        #expect(http.text == "GET /a HTTP/1.1␍␊Host: example.com␍␊␍␊")
        let binary = CallerData(bytes: [0x16, 0x03, 0x01, 0x41, 0x0A]).preview
        #expect(binary.httpRequestLine == nil)
        #expect(binary.text == "...A␊")
    }
}
