/// What people see of caller data at a glance: printable text, and the HTTP request line and
/// `Host` when the client speaks HTTP.
public struct CallerDataPreview: Hashable, Sendable {
    /// Printable ASCII as is, `␍␊` for line ends, `.` for any other byte; at most `limit` bytes.
    public var text: String
    /// `GET /path HTTP/1.1`, when the data starts with an HTTP request line.
    public var httpRequestLine: String?
    /// The `Host` header, when present in the captured bytes.
    public var httpHost: String?

    public init(_ data: CallerData, limit: Int = 96) {
        text = Self.printable(data.bytes.prefix(limit))
        let lines = Self.lines(data.bytes)
        if let first = lines.first, Self.isHTTPRequestLine(first) {
            httpRequestLine = first
            httpHost = lines.dropFirst().lazy.compactMap(Self.hostValue).first
        }
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

    /// The CRLF- or LF-separated lines of printable ASCII at the start of the data.
    private static func lines(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == 0x0A {
                if current.last == 0x0D { current.removeLast() }
                if current.isEmpty { break }
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
            } else if (0x20..<0x7F).contains(byte) || byte == 0x0D || byte == 0x09 {
                current.append(byte)
            } else {
                break
            }
        }
        return lines
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
