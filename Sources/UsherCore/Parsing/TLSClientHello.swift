/// What a TLS ClientHello at the start of caller data asks for: the server name (SNI), the
/// application protocols (ALPN) and the protocol versions offered.
///
/// The reading follows SwiftNIO's `NIOTLS.SNIHandler` (the tests hold it to that handler as an
/// oracle): one TLS record, a handshake message that fills it exactly, a ClientHello whose
/// extensions fill the rest exactly, and the first `host_name` entry of the `server_name`
/// extension, in ASCII. Every length is checked before it is used: hostile bytes give
/// ``Reading/notClientHello``, never a crash or a read past the end.
public enum TLSClientHello {
    /// What the bytes say so far.
    public enum Reading: Hashable, Sendable {
        /// The record is not complete yet: more bytes may tell.
        case incomplete
        /// Not a TLS ClientHello, or a malformed one.
        case notClientHello
        /// A ClientHello.
        case clientHello(Hello)

        /// The server name asked for, if the bytes are a ClientHello that names one.
        public var serverName: String? {
            if case .clientHello(let hello) = self { return hello.serverName }
            return nil
        }
    }

    /// What a ClientHello offers.
    public struct Hello: Hashable, Sendable {
        /// The first `host_name` of the `server_name` extension.
        public var serverName: String?
        /// The `application_layer_protocol_negotiation` names, in the client's order (`h2`,
        /// `http/1.1`); bytes that are not UTF-8 are replaced.
        public var alpn: [String] = []
        /// The versions offered: the `supported_versions` extension, else the legacy
        /// `client_version` (`0x0303` is TLS 1.2, `0x0304` TLS 1.3).
        public var versions: [UInt16] = []

        public init(serverName: String? = nil, alpn: [String] = [], versions: [UInt16] = []) {
            self.serverName = serverName
            self.alpn = alpn
            self.versions = versions
        }
    }

    private static let recordHeaderLength = 5
    /// The most ALPN names and versions kept from one hello.
    static let listLimit = 16

    public static func read(_ bytes: some RandomAccessCollection<UInt8>) -> Reading {
        let all = Array(bytes)
        guard all.count >= recordHeaderLength else {
            return all.isEmpty || (all[0] == 0x16 && (all.count < 2 || all[1] == 0x03)) ? .incomplete : .notClientHello
        }
        guard all[0] == 0x16, all[1] == 0x03 else { return .notClientHello }
        let contentLength = Int(all[3]) << 8 | Int(all[4])
        guard all.count - recordHeaderLength >= contentLength else { return .incomplete }
        var record = Cursor(all[recordHeaderLength..<recordHeaderLength + contentLength])
        do throws(Cursor.Short) {
            return try clientHello(in: &record)
        } catch {
            return .notClientHello
        }
    }

    private static func clientHello(in record: inout Cursor) throws(Cursor.Short) -> Reading {
        guard record.remaining >= 4 else { return .notClientHello }
        let type = try record.byte()
        let length = try record.integer(bytes: 3)
        guard type == 0x01, record.remaining == length else { return .notClientHello }
        let legacyVersion = UInt16(try record.integer(bytes: 2))
        try record.skip(32)  // random
        try record.skip(try record.integer(bytes: 1))  // session_id
        try record.skip(try record.integer(bytes: 2))  // cipher_suites
        try record.skip(try record.integer(bytes: 1))  // compression_methods
        var hello = Hello(versions: [legacyVersion])
        guard record.remaining > 0 else { return .clientHello(hello) }
        let extensionsLength = try record.integer(bytes: 2)
        guard record.remaining == extensionsLength else { return .notClientHello }
        var foundServerName = false
        while record.remaining >= 4 {
            do throws(Cursor.Short) {
                let extensionType = try record.integer(bytes: 2)
                let extensionLength = try record.integer(bytes: 2)
                var body = try record.take(extensionLength)
                switch extensionType {
                case 0x0000 where !foundServerName:
                    foundServerName = true
                    guard let name = try serverName(in: &body) else { return .notClientHello }
                    hello.serverName = name
                // A broken list inside an extension SNIHandler skips is ignored, as it ignores it.
                case 0x0010: hello.alpn = (try? protocols(in: &body)) ?? []
                case 0x002B: hello.versions = (try? versions(in: &body)) ?? hello.versions
                default: break
                }
            } catch {
                // Past the server name a broken extension ends the reading, as SNIHandler stops there.
                guard foundServerName else { throw error }
                return .clientHello(hello)
            }
        }
        return .clientHello(hello)
    }

    /// The first host name, `""` when the list has none, `nil` for a name that is not ASCII.
    private static func serverName(in body: inout Cursor) throws(Cursor.Short) -> String?? {
        var list = try body.take(try body.integer(bytes: 2))
        while list.remaining > 0 {
            let nameType = try list.byte()
            let nameLength = try list.integer(bytes: 2)
            guard nameType == 0x00 else {
                try list.skip(nameLength)
                continue
            }
            let name = try list.take(nameLength).rest
            guard name.allSatisfy({ $0 < 0x80 }) else { return nil }
            return .some(String(decoding: name, as: UTF8.self))
        }
        return .some(nil)
    }

    private static func protocols(in body: inout Cursor) throws(Cursor.Short) -> [String] {
        var list = try body.take(try body.integer(bytes: 2))
        var names: [String] = []
        while list.remaining > 0 {
            let name = try list.take(try list.integer(bytes: 1)).rest
            if names.count < listLimit { names.append(String(decoding: name, as: UTF8.self)) }
        }
        return names
    }

    private static func versions(in body: inout Cursor) throws(Cursor.Short) -> [UInt16] {
        var list = try body.take(try body.integer(bytes: 1))
        var versions: [UInt16] = []
        while list.remaining >= 2 {
            let version = UInt16(try list.integer(bytes: 2))
            if versions.count < listLimit { versions.append(version) }
        }
        return versions
    }
}

extension TLSClientHello.Hello {
    /// `TLSv1.3`, `TLSv1.2`…, or the hex of a version usher does not name (GREASE values).
    public static func versionName(_ version: UInt16) -> String {
        switch version {
        case 0x0304: "TLSv1.3"
        case 0x0303: "TLSv1.2"
        case 0x0302: "TLSv1.1"
        case 0x0301: "TLSv1.0"
        case 0x0300: "SSLv3"
        default: "0x" + String(version, radix: 16)
        }
    }
}

/// Reads big-endian fields from a byte slice, throwing when the slice is too short.
private struct Cursor {
    struct Short: Error {}

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count }
    var rest: ArraySlice<UInt8> { bytes }

    mutating func byte() throws(Short) -> UInt8 {
        guard let first = bytes.popFirst() else { throw Short() }
        return first
    }

    mutating func integer(bytes count: Int) throws(Short) -> Int {
        var value = 0
        for _ in 0..<count { value = value << 8 | Int(try byte()) }
        return value
    }

    mutating func skip(_ count: Int) throws(Short) {
        guard bytes.count >= count else { throw Short() }
        bytes = bytes.dropFirst(count)
    }

    mutating func take(_ count: Int) throws(Short) -> Cursor {
        guard bytes.count >= count else { throw Short() }
        defer { bytes = bytes.dropFirst(count) }
        return Cursor(bytes.prefix(count))
    }
}
