/// The server name (SNI) of a TLS ClientHello at the start of caller data.
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
        /// A ClientHello that names no server.
        case noServerName
        /// A ClientHello asking for this server.
        case serverName(String)
    }

    private static let recordHeaderLength = 5

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
        try record.skip(34)  // client_version and random
        try record.skip(try record.integer(bytes: 1))  // session_id
        try record.skip(try record.integer(bytes: 2))  // cipher_suites
        try record.skip(try record.integer(bytes: 1))  // compression_methods
        let extensionsLength = try record.integer(bytes: 2)
        guard record.remaining == extensionsLength else { return .notClientHello }
        while record.remaining >= 4 {
            let extensionType = try record.integer(bytes: 2)
            let extensionLength = try record.integer(bytes: 2)
            var body = try record.take(extensionLength)
            if extensionType == 0x0000 { return try serverName(in: &body) }
        }
        return .noServerName
    }

    private static func serverName(in body: inout Cursor) throws(Cursor.Short) -> Reading {
        var list = try body.take(try body.integer(bytes: 2))
        while list.remaining > 0 {
            let nameType = try list.byte()
            let nameLength = try list.integer(bytes: 2)
            guard nameType == 0x00 else {
                try list.skip(nameLength)
                continue
            }
            let name = try list.take(nameLength).rest
            guard name.allSatisfy({ $0 < 0x80 }) else { return .notClientHello }
            return .serverName(String(decoding: name, as: UTF8.self))
        }
        return .noServerName
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
