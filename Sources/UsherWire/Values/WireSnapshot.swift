import UsherCore

/// Everything a dashboard needs at one moment: listeners, counters, and every pending request.
public struct WireSnapshot: Hashable, Sendable, Codable {
    public var at: String
    /// The sequence number of the last event the snapshot includes; events that follow it have
    /// higher numbers.
    public var seq: UInt64
    public var uptimeMs: Int64
    public var counters: WireCounters
    /// Client connections held now (pending or proxied), and `--max-connections`.
    public var connections: Int
    public var maxConnections: Int?
    public var listeners: [WireListener]
    /// Pending requests, oldest first.
    public var pending: [WireRequest]
    /// Every TCP listener of the host, when asked for (`"host": true`) and sampled.
    public var host: WireHost?
    /// What is wrong now (the journal cannot write); absent when nothing is.
    public var alerts: [WireAlert]?

    enum CodingKeys: String, CodingKey {
        case at, seq, counters, connections, listeners, pending, host, alerts
        case uptimeMs = "uptime_ms"
        case maxConnections = "max_connections"
    }

    public init(_ snapshot: GateSnapshot, startedAt: Moment, maxConnections: Int?, clock: WireClock) {
        at = clock.text(snapshot.at)
        seq = snapshot.lastEventSequence
        uptimeMs = WireClock.milliseconds(from: startedAt, to: snapshot.at)
        counters = WireCounters(snapshot.counters)
        connections = snapshot.connections
        self.maxConnections = maxConnections
        listeners = snapshot.listeners.map(WireListener.init)
        pending = snapshot.pending.map { WireRequest($0, clock: clock, at: snapshot.at) }
    }
}
