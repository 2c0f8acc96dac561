import Testing
import UsherCore
import UsherDataPlane

/// Socket addresses between the kernel's form and text.
@Suite("A socket address")
struct SocketAddressTests {
    @Test("IPv4 and IPv6 addresses come back as they went in", arguments: [
        "0.0.0.0", "127.0.0.1", "9.10.99.100", "192.168.0.255", "255.255.255.255", "203.0.113.9",
        "::", "::1", "2001:db8::8:800:200c:417a", "::ffff:192.0.2.1",
    ])
    func roundTrip(host: String) throws {
        let address = try UsherDataPlane.SocketAddress(Endpoint(host: host, port: 65_535))
        #expect(address.endpoint == Endpoint(host: host, port: 65_535))
    }
}
