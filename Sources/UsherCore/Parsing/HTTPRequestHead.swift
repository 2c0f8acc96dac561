/// The start of an HTTP/1.x request at the start of caller data: the request line and the
/// headers rules look at (`Host`, `User-Agent`).
///
/// Only text lines are read (CRLF or LF ends), up to the first empty line: printable ASCII, tabs,
/// and bytes above 0x7F, which read as U+FFFD; a control byte ends the head. Hostile bytes give
/// `nil`, never a crash.
public struct HTTPRequestHead: Hashable, Sendable {
    /// `GET`, `POST`… as sent (upper case letters and `-`).
    public var method: String
    /// The request target: `/path?query`, or an absolute URI for a proxy request.
    public var target: String
    /// `HTTP/1.1`.
    public var version: String
    /// The `Host` header, if it was among the lines read.
    public var host: String?
    /// The `User-Agent` header, if it was among the lines read.
    public var userAgent: String?
    /// `true` once the empty line that ends the head was read: later bytes cannot change it.
    public var isComplete: Bool

    /// The request line as sent: `GET / HTTP/1.1`.
    public var requestLine: String { "\(method) \(target) \(version)" }

    /// The target's path: the target without its query, and without the scheme and authority of
    /// an absolute URI.
    public var path: String {
        var path = Substring(target)
        if let scheme = path.firstRange(of: "://") {
            let afterAuthority = path[scheme.upperBound...]
            path = afterAuthority.firstIndex(of: "/").map { afterAuthority[$0...] } ?? "/"
        }
        return String(path.prefix { $0 != "?" && $0 != "#" })
    }

    /// What the bytes say so far.
    public enum Reading: Hashable, Sendable {
        /// Not a full request line yet.
        case incomplete
        /// Not HTTP/1.x.
        case notHTTP
        /// A request line, and the headers read so far.
        case head(HTTPRequestHead)
    }

    /// Reads the head at the start of `bytes`.
    public static func read(_ bytes: some Collection<UInt8>) -> Reading {
        // Servers skip empty lines before the request line, and take runs of spaces between its
        // parts (RFC 9112 2.2, 3), so the reader does too: what an upstream reads, rules read.
        let bytes = bytes.drop { $0 == 0x0D || $0 == 0x0A }
        let (lines, ended) = TextLines.read(bytes)
        guard let first = lines.first else {
            return ended || !couldStartRequestLine(bytes) ? .notHTTP : .incomplete
        }
        let parts = first.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/"), !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].allSatisfy({ $0.isUppercase || $0 == "-" })
        else { return .notHTTP }
        var head = HTTPRequestHead(
            method: String(parts[0]), target: String(parts[1]), version: String(parts[2]),
            isComplete: ended)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = String(line[line.index(after: colon)...]).trimmingSpaces
            switch line[..<colon].lowercased() {
            case "host" where head.host == nil: head.host = value
            case "user-agent" where head.userAgent == nil: head.userAgent = value
            default: break
            }
        }
        return .head(head)
    }

    /// `true` while the bytes so far could still begin a request line (`GET /`…).
    private static func couldStartRequestLine(_ bytes: some Collection<UInt8>) -> Bool {
        let method = bytes.prefix { $0 != 0x20 }
        return method.allSatisfy { (0x41...0x5A).contains($0) || $0 == 0x2D }
    }
}

/// The CRLF- or LF-separated text lines at the start of some bytes (bytes above 0x7F read as
/// U+FFFD).
enum TextLines {
    /// The complete lines, and whether they ended (an empty line, or a byte that is not text)
    /// before the bytes did.
    static func read(_ bytes: some Collection<UInt8>) -> (lines: [String], ended: Bool) {
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
            } else if byte >= 0x80 {
                // obs-text (RFC 9110 5.5): servers take it in field values, so it must not hide the
                // fields after it; it is read as U+FFFD, never as a C1 control.
                current.append(0xFF)
            } else {
                return (lines, true)
            }
        }
        return (lines, false)
    }
}
