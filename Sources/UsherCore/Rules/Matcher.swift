/// One test a rule makes of a request. A rule's matchers are combined with AND.
public indirect enum Matcher: Hashable, Sendable {
    /// The listener: a port (`8080`) or an address (`127.0.0.1:8080`), any of several.
    case listener([ListenerPattern])
    /// The caller's address is in one of the networks.
    case peer([AddressPrefix])
    /// The TLS server name matches one of the patterns.
    case sni([Glob])
    /// The HTTP `Host` (without a port) matches one of the patterns.
    case host([Glob])
    /// The TLS ClientHello offers one of the application protocols.
    case alpn([String])
    /// The HTTP method is one of these (upper case).
    case method([String])
    /// The HTTP path starts with one of the prefixes or matches one of the globs.
    case path([PathPattern])
    /// The caller data starts with these bytes.
    case dataPrefix([UInt8])
    /// The regular expression matches the printable preview of the caller data.
    case dataRegex(DataRegex)
    /// The host's local time is in the window.
    case time(TimeWindow)
    /// The source has made at most this many requests in the window (this one included).
    case rate(RateLimit)
    /// The source holds at most this many connections (this one included).
    case concurrent(Int)
    /// The matcher does not match.
    case not(Matcher)

    /// The key that names the matcher in a rules file.
    public var key: String {
        switch self {
        case .listener: "listener"
        case .peer: "peer"
        case .sni: "sni"
        case .host: "host"
        case .alpn: "alpn"
        case .method: "method"
        case .path: "path"
        case .dataPrefix: "data_prefix"
        case .dataRegex: "data_regex"
        case .time: "time"
        case .rate: "rate"
        case .concurrent: "concurrent"
        case .not(let inner): "not." + inner.key
        }
    }

    /// `true` when the matcher counts the open connections of a source.
    public var countsConnections: Bool {
        switch self {
        case .concurrent: true
        case .not(let inner): inner.countsConnections
        default: false
        }
    }

    /// `true` when the matcher looks at caller data, and so may have to wait for it.
    public var needsData: Bool {
        switch self {
        case .sni, .host, .alpn, .method, .path, .dataPrefix, .dataRegex: true
        case .not(let inner): inner.needsData
        default: false
        }
    }

    /// The order a rule tests its matchers in: cheap and selective first, counting last, so that
    /// a rate counts only the requests the rest of the rule matched.
    var cost: Int {
        switch self {
        case .listener: 0
        case .peer: 1
        case .concurrent: 2
        case .time: 3
        case .sni, .host, .alpn, .method: 4
        case .path, .dataPrefix: 5
        case .dataRegex: 6
        case .rate: 8
        case .not(let inner): inner.cost
        }
    }
}

/// A listener as a rule names it.
public enum ListenerPattern: Hashable, Sendable, CustomStringConvertible {
    /// Any listener on this port.
    case port(Int)
    /// The listener bound to this address.
    case endpoint(Endpoint)

    public var description: String {
        switch self {
        case .port(let port): ":\(port)"
        case .endpoint(let endpoint): endpoint.description
        }
    }
}

/// A path as a rule names it: a prefix (`/api/`), or a glob when it has `*` or `?`.
public enum PathPattern: Hashable, Sendable, CustomStringConvertible {
    case prefix(String)
    case glob(Glob)

    public init(_ text: String) throws(Glob.ParseError) {
        let glob = try Glob(text, caseSensitive: true)
        self = glob.isExact ? .prefix(text) : .glob(glob)
    }

    func matches(_ path: String) -> Bool {
        switch self {
        case .prefix(let prefix): path.hasPrefix(prefix)
        case .glob(let glob): glob.matches(path)
        }
    }

    public var description: String {
        switch self {
        case .prefix(let prefix): prefix
        case .glob(let glob): glob.pattern
        }
    }
}

extension Matcher: CustomStringConvertible {
    /// The matcher as a person reads it: `peer 10.0.0.0/8, fd00::/8`, `sni canary.*.example.com`,
    /// `rate 5/1s`, `not peer 10.0.0.0/8`.
    public var description: String {
        switch self {
        case .listener(let patterns): "listener " + patterns.map(\.description).joined(separator: ", ")
        case .peer(let networks): "peer " + networks.map(\.description).joined(separator: ", ")
        case .sni(let globs): "sni " + globs.map(\.pattern).joined(separator: ", ")
        case .host(let globs): "host " + globs.map(\.pattern).joined(separator: ", ")
        case .alpn(let names): "alpn " + names.joined(separator: ", ")
        case .method(let methods): "method " + methods.joined(separator: ", ")
        case .path(let patterns): "path " + patterns.map(\.description).joined(separator: ", ")
        case .dataPrefix(let bytes): "data_prefix " + CallerDataPreview.printable(bytes)
        case .dataRegex(let regex): "data_regex /\(regex.pattern)/"
        case .time(let window): "time \(window)"
        case .rate(let limit): "rate \(limit)"
        case .concurrent(let most): "concurrent \(most)"
        case .not(let inner): "not \(inner)"
        }
    }
}
