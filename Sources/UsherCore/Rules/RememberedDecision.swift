/// What a remembered decision applies to: OpenSnitch's scopes, from the narrowest.
public enum RememberScope: String, Hashable, Sendable, CaseIterable {
    /// The caller's address.
    case peer
    /// The caller's network: its /24 (IPv4) or /64 (IPv6).
    case net
    /// The TLS server name the caller asked for.
    case sni
    /// The HTTP Host the caller asked for.
    case host
    /// Every caller of the listener.
    case listener
}

/// How long a remembered decision lasts.
public enum RememberDuration: Hashable, Sendable, CustomStringConvertible {
    /// This long from now (kept across restarts until then, when there is a file to keep it in).
    case lasting(Duration)
    /// Until usher stops.
    case restart
    /// Until it is removed.
    case forever

    /// `5m`, `1h`, `restart` or `forever`.
    public static func parse(_ text: String) throws(DurationText.ParseError) -> RememberDuration {
        switch text {
        case "restart": return .restart
        case "forever": return .forever
        default:
            let duration = try DurationText.parse(text)
            return .lasting(duration)
        }
    }

    public var description: String {
        switch self {
        case .lasting(let duration): DurationText.format(duration)
        case .restart: "restart"
        case .forever: "forever"
        }
    }
}

/// Why a decision cannot be remembered with the scope asked for.
public struct RememberError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

extension RememberScope {
    /// What a decision remembered with this scope matches for a caller: its address
    /// (`127.0.0.1`), its network (`10.1.2.0/24`, `2001:db8:1:2::/64`), the TLS server name or
    /// HTTP Host it asked for (lowercased), or the listener address it reached. Names from the
    /// network that are not DNS-like give no subject, so they never become a rule (nor reach a
    /// screen from here).
    public func subject(
        source: String, serverName: String?, httpHost: String?, local: Endpoint
    ) throws(RememberError) -> String {
        switch self {
        case .peer, .net:
            guard let bytes = IPAddressText.bytes(of: source) else {
                throw RememberError(description: "the caller's address \(source) is not an IP address")
            }
            let address = AddressPrefix.normalized(bytes, for: 4)
            let length = self == .peer ? address.count * 8 : (address.count == 4 ? 24 : 64)
            return IPAddressText.text(of: AddressPrefix.masked(address, length: length)) + (self == .peer ? "" : "/\(length)")
        case .sni:
            guard let name = serverName, Self.isNameSafe(name) else {
                throw RememberError(description: "the caller sent no TLS server name to remember")
            }
            return name.lowercased()
        case .host:
            guard let host = httpHost.map(Matcher.hostWithoutPort), Self.isNameSafe(host) else {
                throw RememberError(description: "the caller sent no HTTP Host to remember")
            }
            return host.lowercased()
        case .listener:
            return local.description
        }
    }

    /// `true` for a DNS-like name: letters, digits, `-`, `.`, `_`, at most 253 characters. Names
    /// from the network that are not become no rule.
    private static func isNameSafe(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 253
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._".unicodeScalars.contains($0)) }
    }
}

extension Rule {
    /// The rule that remembers `decision` for requests like `request` within `scope`: named
    /// after what it matches (`peer:127.0.0.1`, `net:10.1.2.0/24`, `sni:api.example.com`).
    public static func remembering(
        _ decision: Decision, for request: Request, scope: RememberScope, duration: RememberDuration, at now: Moment
    ) throws(RememberError) -> Rule {
        let subject = try scope.subject(
            source: request.source, serverName: request.callerData.preview.tlsServerName,
            httpHost: request.callerData.preview.httpHost, local: request.local)
        let matcher: Matcher
        switch scope {
        case .peer, .net:
            guard let network = try? AddressPrefix.parse(subject) else {
                throw RememberError(description: "cannot write the network of \(request.source)")
            }
            matcher = .peer([network])
        case .sni:
            matcher = .sni([try exact(subject)])
        case .host:
            matcher = .host([try exact(subject)])
        case .listener:
            matcher = .listener([.endpoint(request.local)])
        }
        let expires: Expiry? = switch duration {
        case .lasting(let length): .at(now + length)
        case .restart: .restart
        case .forever: nil
        }
        return Rule(name: "\(scope.rawValue):\(subject)", matchers: [matcher], action: .decide(decision), expires: expires, origin: "remembered")
    }

    private static func exact(_ name: String) throws(RememberError) -> Glob {
        do {
            return try Glob(name)
        } catch {
            throw RememberError(description: "cannot remember '\(name)': \(error)")
        }
    }
}
