/// The result of one call into the provider core: actions for the IO layer, events for observers.
public struct ProviderOutput: Hashable, Sendable {
    public var actions: [GateAction] = []
    public var events: [ProviderEvent] = []
    /// Request events that happened but were not built: no observer needed their kind
    /// (``ProviderCore/eventInterest``). They count in the sequence of events all the same.
    public var unbuiltEvents = 0

    public init(actions: [GateAction] = [], events: [ProviderEvent] = []) {
        self.actions = actions
        self.events = events
    }

    public mutating func append(contentsOf other: ProviderOutput) {
        actions.append(contentsOf: other.actions)
        events.append(contentsOf: other.events)
        unbuiltEvents += other.unbuiltEvents
    }
}

/// What became of a connection the IO layer offered with ``ProviderCore/arrive(on:peer:local:at:)``.
public enum ArrivalOutcome: Hashable, Sendable {
    /// Queued under this ID; the IO layer holds the connection and reads its caller data.
    case queued(RequestID)
    /// The queue was full (`--overflow reset`): the connection is reset at once.
    case overflowed(RequestID)
    /// The queue is full and accepting is paused: keep the connection aside, unread, and offer it
    /// again after `resumeAccepting`.
    case parked
}
