import UsherCore

/// What a reloaded configuration changes in a running gate: the settings new requests decide by,
/// the listeners that stay (with their new overrides and upstreams), those to open and those to
/// close.
public struct GateReconfiguration: Sendable {
    public var provider: ProviderConfiguration
    /// The listeners that stay, as the new configuration has them.
    public var kept: [ListenerID: ListenerConfiguration]
    /// New listeners, bound and taking connections once the change is in force.
    public var added: [ListenerConfiguration]
    /// Listeners that take no more connections; what they hold finishes as before.
    public var closed: [ListenerID]
    /// The rules of the listeners' own rules files, by path.
    public var listenerRuleSets: [String: RuleSet] = [:]

    public init(
        provider: ProviderConfiguration, kept: [ListenerID: ListenerConfiguration], added: [ListenerConfiguration], closed: [ListenerID],
        listenerRuleSets: [String: RuleSet] = [:]
    ) {
        self.listenerRuleSets = listenerRuleSets
        self.provider = provider
        self.kept = kept
        self.added = added
        self.closed = closed
    }
}

extension Gate {
    /// Puts `change` in force: binds the new listeners first (if one cannot listen, nothing
    /// changes), then the settings, then closes the listeners left out. Requests in the queue keep
    /// their deadlines; no connection is dropped. The new listeners' IDs and bound addresses.
    public func reconfigure(_ change: GateReconfiguration) async throws(GateError) -> [(ListenerID, Endpoint)] {
        guard let engine = epollEngine else { throw .needsDataPlane("reloading the configuration") }
        var provider = change.provider
        var sizing = configuration
        sizing.provider = provider
        provider.maxConnections = try Self.fittedMaxConnections(sizing)
        var checked = configuration
        checked.listeners = Array(change.kept.values) + change.added
        let addresses = try checked.listeners.map { listener throws(GateError) in try listener.endpoint.resolved(role: "listen address") }
        try Self.checkNoLoop(checked, listening: addresses)
        var requested: [(listener: ListenerConfiguration, endpoint: Endpoint, upstream: Endpoint?)] = []
        for (listener, address) in zip(change.added, addresses.suffix(change.added.count)) {
            requested.append((listener, Endpoint(address) ?? listener.endpoint, try Self.ownUpstream(of: listener)))
            Self.logClamp(listener, somaxconn: configuration.somaxconn, logger: logger)
        }
        var upstreams: [ListenerID: Endpoint?] = [:]
        for (id, listener) in change.kept { upstreams[id] = try Self.ownUpstream(of: listener) }
        let added = try await engine.addListeners(requested, somaxconn: configuration.somaxconn)
        for (id, endpoint) in added {
            listenerNames.name(id, endpoint.description)
            logger.info("listening", metadata: ["listener": "\(endpoint)"])
        }
        let overrides = change.kept.mapValues(\.overrides).merging(zip(added.map(\.0), change.added.map(\.overrides))) { $1 }
        let listeners = Array(change.kept) + zip(added.map(\.0), change.added).map { ($0, $1) }
        try engine.reconfigure(
            provider, overrides: overrides, upstreams: upstreams, listenerRules: Self.listenerRules(listeners, from: change.listenerRuleSets))
        await engine.closeListeners(change.closed)
        for id in change.closed { logger.info("stopped listening", metadata: ["listener": "\(listenerNames[id])", "note": "what it holds finishes"]) }
        return added
    }

    /// The rules each listener with a rules file of its own is tested with.
    static func listenerRules(_ listeners: [(ListenerID, ListenerConfiguration)], from sets: [String: RuleSet]) -> [ListenerID: RuleSet] {
        var rules: [ListenerID: RuleSet] = [:]
        for (id, listener) in listeners {
            if let file = listener.rulesFile, let set = sets[file] { rules[id] = set }
        }
        return rules
    }

    /// A listener's own upstream, resolved to an address.
    static func ownUpstream(of listener: ListenerConfiguration) throws(GateError) -> Endpoint? {
        guard let own = listener.upstream else { return nil }
        return Endpoint(try own.resolved(role: "upstream of \(listener.endpoint)")) ?? own
    }
}
