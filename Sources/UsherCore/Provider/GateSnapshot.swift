/// A consistent picture of a running provider at one moment.
public struct GateSnapshot: Hashable, Sendable {
    public var counters: Counters
    public var listeners: [ListenerStatus]
    /// Client connections held now, pending or proxied.
    public var connections: Int
    /// Requests in the queue, oldest first (empty when the snapshot was taken without them).
    public var pending: [Request]
    /// When the snapshot was taken.
    public var at: Moment
    /// The sequence number of the last event whose effect the snapshot includes (0 before any).
    public var lastEventSequence: UInt64
    /// While the provider stops: when the connections still open are closed at the latest.
    public var drainingUntil: Moment?

    public init(
        counters: Counters, listeners: [ListenerStatus], connections: Int, pending: [Request], at: Moment,
        lastEventSequence: UInt64, drainingUntil: Moment? = nil
    ) {
        self.drainingUntil = drainingUntil
        self.counters = counters
        self.listeners = listeners
        self.connections = connections
        self.pending = pending
        self.at = at
        self.lastEventSequence = lastEventSequence
    }
}
