/// One connection request in the pending queue: who, where, when, what it sent, and every
/// condition outcome so far.
public struct Request: Hashable, Sendable, Identifiable {
    public let id: RequestID
    /// The listener it arrived on.
    public let listener: ListenerID
    /// The client's address.
    public let peer: Endpoint
    /// The address the client connected to.
    public let local: Endpoint
    /// When usher took it from the kernel.
    public let arrivedAt: Moment
    /// The first bytes the client sent.
    public internal(set) var callerData = CallerData()
    /// Where it is in its lifecycle.
    public internal(set) var state: RequestState = .arrived
    /// Every condition outcome, oldest first.
    public internal(set) var outcomes: [ConditionOutcome] = []
    /// When the pending timeout applies its action, if it does.
    public internal(set) var timeoutDeadline: Moment?
    /// Who took the decision that finished (or is finishing) the request.
    public internal(set) var decider: Decider?
    /// The client has stopped sending (half-close) and waits for the answer.
    public internal(set) var callerFinishedSending = false
    /// The caller's address as rules see it: the peer's host, or the original source of a
    /// trusted PROXY header.
    public internal(set) var source: String
    /// How the rules left the request the last time they were evaluated.
    var ruleStanding: RuleStanding?

    public init(id: RequestID, listener: ListenerID, peer: Endpoint, local: Endpoint, arrivedAt: Moment) {
        self.id = id
        self.listener = listener
        self.peer = peer
        self.local = local
        self.arrivedAt = arrivedAt
        self.source = peer.host
    }

    /// Applies a lifecycle event, or throws without changing anything.
    public mutating func apply(_ event: LifecycleEvent) throws(LifecycleError) {
        guard let next = RequestLifecycle.next(after: event, in: state) else {
            if state.isFinished {
                throw .alreadyDecided(id, state, by: decider)
            }
            throw .illegalTransition(id, from: state, event: event)
        }
        state = next
    }

    /// How long the request has waited at `now`.
    public func age(at now: Moment) -> Duration { now - arrivedAt }

    /// The latest outcome, if any.
    public var lastOutcome: ConditionOutcome? { outcomes.last }
}
