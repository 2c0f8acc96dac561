/// What one matcher made of one request.
enum MatchResult: Hashable, Sendable {
    case matched
    case failed
    /// The caller data so far cannot tell; more may.
    case waiting

    var negated: MatchResult {
        switch self {
        case .matched: .failed
        case .failed: .matched
        case .waiting: .waiting
        }
    }
}

/// The caller data as rules read it, with what is still unknown.
struct CallerFacts {
    let data: CallerData
    /// More bytes may still arrive.
    let mayGrow: Bool
    /// The source address's bytes, IPv4-mapped IPv6 as IPv4.
    let sourceBytes: [UInt8]?

    init(_ context: RuleContext) {
        data = context.data
        mayGrow = !context.dataIsFinal && !context.data.isFull
        sourceBytes = IPAddressText.bytes(of: context.source).map { AddressPrefix.normalized($0, for: 4) }
    }

    /// `true` while a TLS ClientHello may still be read.
    var tlsMayFollow: Bool {
        guard mayGrow, data.preview.tls == nil else { return false }
        return data.bytes.isEmpty || (data.bytes[0] == 0x16 && data.bytes.count < 5 + 16_384 && !data.preview.isSettled)
    }

    /// `true` while the HTTP head may still grow (or start).
    var httpMayFollow: Bool {
        guard mayGrow else { return false }
        if let head = data.preview.http { return !head.isComplete }
        return HTTPRequestHead.read(data.bytes) == .incomplete
    }
}

extension Matcher {
    /// Tests the matcher; a rate counts the request (once per request and rule) in `rates`.
    func test(_ context: RuleContext, _ facts: CallerFacts, rates: inout RateWindows?, counted: Bool) -> MatchResult {
        switch self {
        case .listener(let patterns):
            return result(patterns.contains { $0.matches(listener: context.listenerEndpoint, local: context.local) })
        case .peer(let networks):
            guard let address = facts.sourceBytes else { return .failed }
            return result(networks.contains { $0.contains(address: address) })
        case .sni(let globs):
            if let name = facts.data.preview.tls?.serverName { return result(globs.contains { $0.matches(name) }) }
            return facts.tlsMayFollow ? .waiting : .failed
        case .alpn(let names):
            if let offered = facts.data.preview.tls?.alpn { return result(offered.contains(where: names.contains)) }
            return facts.tlsMayFollow ? .waiting : .failed
        case .host(let globs):
            if let host = facts.data.preview.http?.host.map(Self.hostWithoutPort) {
                return result(globs.contains { $0.matches(host) })
            }
            return facts.httpMayFollow ? .waiting : .failed
        case .method(let methods):
            if let method = facts.data.preview.http?.method { return result(methods.contains(method)) }
            return facts.httpMayFollow ? .waiting : .failed
        case .path(let patterns):
            if let path = facts.data.preview.http?.path { return result(patterns.contains { $0.matches(path) }) }
            return facts.httpMayFollow ? .waiting : .failed
        case .dataPrefix(let prefix):
            let bytes = facts.data.bytes
            if bytes.count >= prefix.count { return result(bytes.prefix(prefix.count).elementsEqual(prefix)) }
            return facts.mayGrow && prefix.starts(with: bytes) ? .waiting : .failed
        case .dataRegex(let regex):
            if regex.matches(facts.data.preview.text) { return .matched }
            return facts.mayGrow && facts.data.bytes.count < CallerDataPreview.textLimit ? .waiting : .failed
        case .time(let window):
            return result(window.contains(context.localTime))
        case .rate(let limit):
            let source = context.source
            let count = counted
                ? rates?.current(source, at: context.now, limit: limit) ?? 0
                : Self.count(source, at: context.now, limit: limit, in: &rates)
            return result(count <= limit.count)
        case .concurrent(let most):
            return result(context.connectionsFromSource <= most)
        case .not(let inner):
            return inner.test(context, facts, rates: &rates, counted: counted).negated
        }
    }

    private static func count(_ source: String, at now: Moment, limit: RateLimit, in rates: inout RateWindows?) -> Int {
        var windows = rates ?? RateWindows()
        let count = windows.count(source, at: now, limit: limit)
        rates = windows
        return count
    }

    private func result(_ matched: Bool) -> MatchResult { matched ? .matched : .failed }

    /// `example.com` from `example.com:8443` or `[::1]` from `[::1]:8443`.
    static func hostWithoutPort(_ host: String) -> String {
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") { return String(host[...close]) }
        guard let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon else { return host }
        return String(host[..<colon])
    }
}

extension ListenerPattern {
    func matches(listener: Endpoint, local: Endpoint) -> Bool {
        switch self {
        case .port(let port): local.port == port || listener.port == port
        case .endpoint(let endpoint): endpoint == local || endpoint == listener
        }
    }
}
