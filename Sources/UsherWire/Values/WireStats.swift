/// The answer to `stats`: counters overall and per listener, and the control plane's own.
public struct WireStats: Hashable, Sendable, Codable {
    public var uptimeMs: Int64
    public var counters: WireCounters
    public var listeners: [WireListener]
    public var connections: Int
    public var maxConnections: Int?
    /// The last event sequence number.
    public var seq: UInt64
    /// Control connections open now, and how many of them subscribe.
    public var controlClients: Int
    public var subscribers: Int
    /// Events subscribers missed: dropped when one read too slowly (it was cut off with a
    /// `lagging` error), or lost before they reached it (it got a `resync`).
    public var eventsMissed: Int

    enum CodingKeys: String, CodingKey {
        case counters, listeners, connections, seq, subscribers
        case uptimeMs = "uptime_ms"
        case maxConnections = "max_connections"
        case controlClients = "control_clients"
        case eventsMissed = "events_missed"
    }

    public init(
        uptimeMs: Int64, counters: WireCounters, listeners: [WireListener], connections: Int, maxConnections: Int?,
        seq: UInt64, controlClients: Int, subscribers: Int, eventsMissed: Int
    ) {
        self.uptimeMs = uptimeMs
        self.counters = counters
        self.listeners = listeners
        self.connections = connections
        self.maxConnections = maxConnections
        self.seq = seq
        self.controlClients = controlClients
        self.subscribers = subscribers
        self.eventsMissed = eventsMissed
    }
}

/// The answer to `decide`: one result per request, in the order they were decided.
public struct WireDecision: Hashable, Sendable, Codable {
    public var request: String
    public var ok: Bool
    /// On success: the state the decision put the request in (`accepted`, `rejected`, `reset`,
    /// `deferred`).
    public var state: String?
    /// On failure: why, e.g. `r17: already accepted by pid 4411`.
    public var error: String?
    /// The name of the remembered decision made from it (`peer:127.0.0.1`).
    public var remembered: String?
    /// Why the decision was taken but could not be remembered.
    public var notRemembered: String?

    enum CodingKeys: String, CodingKey {
        case request, ok, state, error, remembered
        case notRemembered = "not_remembered"
    }

    public init(request: String, ok: Bool, state: String? = nil, error: String? = nil, remembered: String? = nil, notRemembered: String? = nil) {
        self.request = request
        self.ok = ok
        self.state = state
        self.error = error
        self.remembered = remembered
        self.notRemembered = notRemembered
    }
}

/// The answer to `subscribe` when the subscriber fell behind: a fresh snapshot replaces the
/// events it missed.
public struct WireResync: Hashable, Sendable, Codable {
    public var missed: Int
    public var snapshot: WireSnapshot

    public init(missed: Int, snapshot: WireSnapshot) {
        self.missed = missed
        self.snapshot = snapshot
    }
}

/// The last line on every control connection when the daemon stops.
public struct WireBye: Hashable, Sendable, Codable {
    public var reason: String
    /// After a restart: the process that serves the control socket now (a client may connect
    /// again at once); absent when the daemon stopped.
    public var successor: Int32?

    public init(reason: String, successor: Int32? = nil) {
        self.reason = reason
        self.successor = successor
    }
}
