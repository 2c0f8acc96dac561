/// TLS 1.3-style ClientHellos built byte by byte: a server name, ALPN names and
/// `supported_versions` (TLS 1.3, 1.2). Bytes go in as given, so a test can send a hostile name.
public enum ClientHellos {
    public static func make(host: String, alpn: [String]) -> [UInt8] {
        func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
        let name = Array(host.utf8)
        let serverName: [UInt8] = [0x00] + be16(name.count) + name
        var extensions: [UInt8] = [0x00, 0x00] + be16(serverName.count + 2) + be16(serverName.count) + serverName
        if !alpn.isEmpty {
            let list = alpn.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
            extensions += [0x00, 0x10] + be16(list.count + 2) + be16(list.count) + list
        }
        extensions += [0x00, 0x2B, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03]
        var hello: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [0x00]
        hello += be16(2) + [0x13, 0x01] + [0x01, 0x00] + be16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + be16(hello.count) + hello
        return [0x16, 0x03, 0x01] + be16(handshake.count) + handshake
    }
}
