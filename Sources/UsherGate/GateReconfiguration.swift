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

    public init(
        provider: ProviderConfiguration, kept: [ListenerID: ListenerConfiguration], added: [ListenerConfiguration], closed: [ListenerID]
    ) {
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
        for listener in change.added {
            let endpoint = try listener.endpoint.resolved(role: "listen address")
            requested.append((listener, Endpoint(endpoint) ?? listener.endpoint, try Self.ownUpstream(of: listener)))
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
        try engine.reconfigure(provider, overrides: overrides, upstreams: upstreams)
        await engine.closeListeners(change.closed)
        for id in change.closed { logger.info("stopped listening", metadata: ["listener": "\(listenerNames[id])", "note": "what it holds finishes"]) }
        return added
    }

    /// A listener's own upstream, resolved to an address.
    static func ownUpstream(of listener: ListenerConfiguration) throws(GateError) -> Endpoint? {
        guard let own = listener.upstream else { return nil }
        return Endpoint(try own.resolved(role: "upstream of \(listener.endpoint)")) ?? own
    }
}
