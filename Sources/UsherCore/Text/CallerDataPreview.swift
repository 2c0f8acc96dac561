/// What people see of caller data at a glance: printable text, the HTTP request line and `Host`
/// when the client speaks HTTP, the server name when it starts TLS.
///
/// ``CallerData`` keeps one, made again only while more bytes can still change it, so that
/// observers (the wire, logs, the dashboard) never parse the bytes themselves.
public struct CallerDataPreview: Hashable, Sendable {
    /// How many bytes the printable text shows.
    public static let textLimit = 96

    /// Printable ASCII as is, `␍␊` for line ends, `.` for any other byte; at most `limit` bytes.
    public var text: String
    /// `GET /path HTTP/1.1`, when the data starts with an HTTP request line.
    public var httpRequestLine: String?
    /// The `Host` header, when present in the captured bytes.
    public var httpHost: String?
    /// The server name of a TLS ClientHello (SNI), when the client starts TLS.
    public var tlsServerName: String?
    /// `true` when more bytes cannot change the preview: the text is full, the HTTP head has
    /// ended (or is not HTTP), the ClientHello is complete (or is not TLS).
    public let isSettled: Bool

    public init(_ bytes: [UInt8]) {
        text = Self.printable(bytes.prefix(Self.textLimit))
        let (lines, headEnded) = Self.lines(bytes)
        let isHTTP = lines.first.map(Self.isHTTPRequestLine) ?? false
        if isHTTP, let first = lines.first {
            httpRequestLine = first
            httpHost = lines.dropFirst().lazy.compactMap(Self.hostValue).first
        }
        let tls = TLSClientHello.read(bytes)
        if case .serverName(let name) = tls { tlsServerName = name }
        let httpSettled = headEnded || (!lines.isEmpty && !isHTTP)
        isSettled = bytes.count >= Self.textLimit && httpSettled && tls != .incomplete
    }

    static func printable(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            switch byte {
            case 0x0D: text += "␍"
            case 0x0A: text += "␊"
            case 0x20..<0x7F: text.unicodeScalars.append(UnicodeScalar(byte))
            default: text += "."
            }
        }
        return text
    }

    /// The CRLF- or LF-separated lines of printable ASCII at the start of the data, and whether
    /// they ended (an empty line or a byte that is not text) before the bytes did.
    private static func lines(_ bytes: [UInt8]) -> (lines: [String], ended: Bool) {
        var lines: [String] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == 0x0A {
                if current.last == 0x0D { current.removeLast() }
                if current.isEmpty { return (lines, true) }
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
            } else if (0x20..<0x7F).contains(byte) || byte == 0x0D || byte == 0x09 {
                current.append(byte)
            } else {
                return (lines, true)
            }
        }
        return (lines, false)
    }

    private static func isHTTPRequestLine(_ line: String) -> Bool {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return false }
        return parts[0].allSatisfy { $0.isUppercase || $0 == "-" } && !parts[0].isEmpty
    }

    private static func hostValue(_ line: String) -> String? {
        guard let colon = line.firstIndex(of: ":"),
              line[..<colon].lowercased() == "host"
        else { return nil }
        return String(line[line.index(after: colon)...]).trimmingSpaces
    }
}
