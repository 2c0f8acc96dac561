import Testing
import UsherCore
@testable import UsherControl

@Suite("TLS server names in caller data", .timeLimit(.minutes(1)))
struct TLSServerNameTests {
    /// A minimal TLS 1.2 ClientHello naming `host`.
    static func clientHello(host: String) -> [UInt8] {
        let name = Array(host.utf8)
        let serverName: [UInt8] = [0x00] + be16(name.count) + name
        let extensionBody: [UInt8] = be16(serverName.count) + serverName
        let extensions: [UInt8] = [0x00, 0x00] + be16(extensionBody.count) + extensionBody
        var hello: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [0x00]
        hello += be16(2) + [0x00, 0x2f] + [0x01, 0x00] + be16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + be16(hello.count) + hello
        return [0x16, 0x03, 0x01] + be16(handshake.count) + handshake
    }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

    @Test("a ClientHello's server name shows in the summary")
    func serverName() {
        var data = CallerData()
        data.append(Self.clientHello(host: "api.example.com"))
        let wire = WireCallerData(data)
        #expect(wire.tlsServerName == "api.example.com")
        #expect(wire.summary == "TLS sni=api.example.com")
    }

    @Test("cut short, garbage, or not TLS: no name, no crash", arguments: [
        Array(clientHello(host: "api.example.com").prefix(20)),
        [0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00, 0x00],
        [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00],
        Array("GET / HTTP/1.1\r\n".utf8),
    ])
    func noName(bytes: [UInt8]) {
        #expect(TLSServerName.read(bytes) == nil)
    }
}
