import UsherCore

/// The host's listeners and listen counters after a sample.
public struct HostView: Hashable, Sendable {
    public var at: Moment
    /// The time since the previous sample; `nil` for the first.
    public var interval: Duration?
    public var somaxconn: Int?
    /// The host's counters since boot.
    public var counters: ListenCounters?
    /// `ListenOverflows` and `ListenDrops` per second over the last interval.
    public var overflowsPerSecond: Double?
    public var dropsPerSecond: Double?
    /// Every TCP listener, by port then address.
    public var listeners: [HostListener]

    public init(
        at: Moment, interval: Duration? = nil, somaxconn: Int? = nil, counters: ListenCounters? = nil,
        overflowsPerSecond: Double? = nil, dropsPerSecond: Double? = nil, listeners: [HostListener] = []
    ) {
        self.at = at
        self.interval = interval
        self.somaxconn = somaxconn
        self.counters = counters
        self.overflowsPerSecond = overflowsPerSecond
        self.dropsPerSecond = dropsPerSecond
        self.listeners = listeners
    }

    /// Listeners whose queue is full now.
    public var saturatedCount: Int {
        listeners.count { $0.isSaturated }
    }
}
