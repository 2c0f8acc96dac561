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
    /// The HTTP request head, when the data starts with an HTTP/1.x request line.
    public var http: HTTPRequestHead?
    /// The TLS ClientHello, when the client starts TLS.
    public var tls: TLSClientHello.Hello?
    /// `true` when more bytes cannot change the preview: the text is full, the HTTP head has
    /// ended (or is not HTTP), the ClientHello is complete (or is not TLS).
    public let isSettled: Bool

    /// `GET /path HTTP/1.1`, when the data starts with an HTTP request line.
    public var httpRequestLine: String? { http?.requestLine }
    /// The `Host` header, when present in the captured bytes.
    public var httpHost: String? { http?.host }
    /// The server name of a TLS ClientHello (SNI), when the client starts TLS.
    public var tlsServerName: String? { tls?.serverName }

    public init(_ bytes: [UInt8]) {
        text = Self.printable(bytes.prefix(Self.textLimit))
        let httpReading = HTTPRequestHead.read(bytes)
        if case .head(let head) = httpReading { http = head }
        let tlsReading = TLSClientHello.read(bytes)
        if case .clientHello(let hello) = tlsReading { tls = hello }
        let httpSettled = httpReading == .notHTTP || http?.isComplete == true
        isSettled = bytes.count >= Self.textLimit && httpSettled && tlsReading != .incomplete
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
}
