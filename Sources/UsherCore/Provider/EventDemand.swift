import Synchronization

/// Which request events an observer needs. Listener and rules events are rare and always
/// delivered.
public struct EventInterest: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A request's steps on its way: arrived, deferred, undeferred.
    public static let lifecycle = EventInterest(rawValue: 1)
    /// How each request ended: accepted, rejected, withdrawn, expired, overflowed.
    public static let endings = EventInterest(rawValue: 8)
    /// Every step of a request, its end included.
    public static let steps: EventInterest = [.lifecycle, .endings]
    /// What led to them: every condition outcome and every new byte of caller data.
    public static let details = EventInterest(rawValue: 2)
    /// What a proxied connection carried, when it ends (`closed`).
    public static let traffic = EventInterest(rawValue: 4)
    /// The outcomes that leave a request waiting for an operator (`ask`): the moment a person
    /// is needed, without every other outcome.
    public static let asking = EventInterest(rawValue: 16)
    public static let all: EventInterest = [.lifecycle, .endings, .details, .traffic, .asking]
}

extension RequestEvent {
    /// The interests that ask for this event: its kind's, and ``EventInterest/asking`` for an
    /// outcome that leaves the request waiting for an operator.
    public static func interest(of kind: Kind, _ request: Request) -> EventInterest {
        guard case .evaluated = kind, request.lastOutcome?.verdict == .ask else { return kind.interest }
        return [.details, .asking]
    }

    public var interest: EventInterest { Self.interest(of: kind, request) }
}

extension RequestEvent.Kind {
    /// The interest that asks for events of this kind.
    public var interest: EventInterest {
        switch self {
        case .evaluated, .callerData: .details
        case .closed: .traffic
        case .accepted, .rejected, .withdrawn, .expired, .overflowed: .endings
        case .arrived, .deferred, .undeferred: .lifecycle
        }
    }
}

/// An observer's interest and whether it holds now: a provider builds and queues no event that
/// no observer needs (a gate under load with nobody watching publishes almost nothing), and
/// still numbers it, so that sequence numbers stay those of every event.
///
/// An observer whose need comes and goes (a control server, while it has subscribers) calls
/// ``begin()`` before it takes the snapshot its events follow, and ``end()`` when the need is
/// gone; begins and ends nest.
public final class EventDemand: Sendable {
    public let interest: EventInterest
    private let holders: Atomic<Int>
    /// Told when the demand begins or ends (the provider that builds the events).
    private let watchers = Mutex<[@Sendable () -> Void]>([])

    /// A demand for `interest`, holding from the start when `active`.
    public init(_ interest: EventInterest, active: Bool = true) {
        self.interest = interest
        holders = Atomic(active ? 1 : 0)
    }

    /// The observer needs its events from now on: once this returns, the provider builds them.
    public func begin() {
        holders.add(1, ordering: .sequentiallyConsistent)
        changed()
    }

    /// One need fewer; none left: the observer's events are no longer built for it.
    public func end() {
        holders.subtract(1, ordering: .sequentiallyConsistent)
        changed()
    }

    /// Calls `watcher` whenever the demand begins or ends, after the change.
    public func watch(_ watcher: @escaping @Sendable () -> Void) {
        watchers.withLock { $0.append(watcher) }
    }

    private func changed() {
        for watcher in watchers.withLock({ $0 }) { watcher() }
    }

    /// What it asks for now (nothing while no need holds).
    public var current: EventInterest {
        holders.load(ordering: .sequentiallyConsistent) > 0 ? interest : []
    }

    /// Every event, always: an observer that does not say what it needs.
    public static var everything: EventDemand { EventDemand(.all) }
}
