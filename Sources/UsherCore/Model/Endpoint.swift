/// A transport address as people write it: a host (name, IPv4 or IPv6 literal) and a TCP port.
///
/// The core never resolves names; the IO layer does. The textual form brackets IPv6 literals:
/// `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`.
public struct Endpoint: Hashable, Sendable, Codable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `true` when `host` is an IPv6 literal (it contains a colon).
    public var isIPv6Literal: Bool { host.utf8.contains(UInt8(ascii: ":")) }

    public var description: String {
        let bracketed = isIPv6Literal
        var text = bracketed ? "[" : ""
        text.reserveCapacity(host.utf8.count + 8)
        text.append(host)
        text.append(bracketed ? "]:" : ":")
        text.append(String(port))
        return text
    }
}

/// Why a `HOST:PORT` text could not be read.
public enum EndpointParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case missingPort(String)
    case badPort(String)
    case unclosedBracket(String)
    case unbracketedIPv6(String)
    case emptyHost(String)

    public var description: String {
        switch self {
        case .empty:
            return "expected HOST:PORT, got an empty value"
        case .missingPort(let text):
            return "'\(text)' has no port; expected HOST:PORT, e.g. 127.0.0.1:8080"
        case .badPort(let text):
            return "'\(text)' is not a port number from 0 to 65535"
        case .unclosedBracket(let text):
            return "'\(text)' opens '[' without a closing ']'; write IPv6 as [::1]:8080"
        case .unbracketedIPv6(let text):
            return "'\(text)' looks like IPv6 without brackets; write it as [ADDRESS]:PORT, e.g. [::1]:8080"
        case .emptyHost(let text):
            return "'\(text)' has no host; write 0.0.0.0:PORT or [::]:PORT for every address"
        }
    }
}

extension Endpoint {
    /// Reads `HOST:PORT`, `[IPV6]:PORT`. The port may be 0 (the system picks one).
    public static func parse(_ text: String) throws(EndpointParseError) -> Endpoint {
        guard !text.isEmpty else { throw .empty }
        let (host, portText) = try split(text)
        guard !host.isEmpty else { throw .emptyHost(text) }
        guard let port = Int(portText), (0...65_535).contains(port), portText.allSatisfy(\.isASCIIDigit) else {
            throw .badPort(String(portText))
        }
        return Endpoint(host: String(host), port: port)
    }

    private static func split(_ text: String) throws(EndpointParseError) -> (Substring, Substring) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .unclosedBracket(text) }
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else { throw .missingPort(text) }
            return (host, rest.dropFirst())
        }
        guard let colon = text.lastIndex(of: ":") else { throw .missingPort(text) }
        let host = text[..<colon]
        guard !host.contains(":") else { throw .unbracketedIPv6(text) }
        return (host, text[text.index(after: colon)...])
    }
}
