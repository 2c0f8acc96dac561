extension Matcher {
    /// Why the matcher gave `result`, in words: `peer 127.0.0.1 not in 10.0.0.0/8`,
    /// `sni canary.a.example.com matched canary.*.example.com`, `rate 6/1s over 5/1s`.
    func explain(_ result: MatchResult, _ context: RuleContext, _ facts: CallerFacts, rates: RateWindows?) -> String {
        let matched = result == .matched
        switch self {
        case .listener(let patterns):
            return "listener \(context.local) \(matched ? "is" : "not") \(Self.list(patterns))"
        case .peer(let networks):
            return "peer \(context.source) \(matched ? "in" : "not in") \(Self.list(networks))"
        case .sni(let globs):
            guard let name = facts.data.preview.tls?.serverName else { return Self.missing("TLS server name", result) }
            return "sni \(Self.shown(name)) \(matched ? "matched" : "not") \(Self.list(globs))"
        case .alpn(let names):
            guard let offered = facts.data.preview.tls?.alpn else { return Self.missing("TLS ClientHello", result) }
            let shown = offered.isEmpty ? "none" : offered.map(Self.shown).joined(separator: ",")
            return "alpn \(shown) \(matched ? "offers" : "lacks") \(names.joined(separator: ", "))"
        case .host(let globs):
            guard let host = facts.data.preview.http?.host else { return Self.missing("HTTP Host", result) }
            return "host \(Self.hostWithoutPort(host)) \(matched ? "matched" : "not") \(Self.list(globs))"
        case .method(let methods):
            guard let method = facts.data.preview.http?.method else { return Self.missing("HTTP request", result) }
            return "method \(method) \(matched ? "is" : "not") \(methods.joined(separator: ", "))"
        case .path(let patterns):
            guard let path = facts.data.preview.http?.path else { return Self.missing("HTTP request", result) }
            return "path \(path) \(matched ? "matched" : "not") \(Self.list(patterns))"
        case .dataPrefix(let prefix):
            if result == .waiting { return "data_prefix: waiting for \(prefix.count) bytes" }
            return "data \(matched ? "starts" : "does not start") with \(CallerDataPreview.printable(prefix))"
        case .dataRegex(let regex):
            if result == .waiting { return "data_regex: waiting for more data" }
            return "data \(matched ? "matched" : "not matched by") /\(regex.pattern)/"
        case .time(let window):
            return "time \(context.localTime) \(matched ? "in" : "not in") \(window)"
        case .rate(let limit):
            let count = rates?.current(context.source, at: context.now, limit: limit) ?? 0
            return "rate \(count)/\(DurationText.format(limit.window)) \(matched ? "within" : "over") \(limit)"
        case .concurrent(let most):
            return "\(context.connectionsFromSource) connections from \(context.source), \(matched ? "within" : "over") \(most)"
        case .not(let inner):
            return "not (" + inner.explain(result.negated, context, facts, rates: rates) + ")"
        }
    }

    /// A name from the network as printable ASCII (`.` for any other byte): reasons reach
    /// terminals.
    /// A name the client sent, as every terminal output shows it.
    private static func shown(_ name: String) -> String {
        TerminalText.escaped(name)
    }

    private static func missing(_ what: String, _ result: MatchResult) -> String {
        result == .waiting ? "waiting for the \(what)" : "no \(what) in the caller data"
    }

    private static func list(_ items: [some CustomStringConvertible]) -> String {
        items.map(\.description).joined(separator: ", ")
    }
}
