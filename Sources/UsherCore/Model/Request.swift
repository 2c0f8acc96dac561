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
    /// Where the PROXY protocol header of a trusted proxy stands; `nil` when the peer is not
    /// trusted to send one.
    public internal(set) var proxyProtocol: ProxyProtocolState?
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

    /// The original client of a trusted PROXY header, when the header named one.
    public var proxiedSource: Endpoint? {
        if case .received(let header) = proxyProtocol { return header.source }
        return nil
    }

    /// `true` while the PROXY header of a trusted proxy has not been read: no condition is
    /// evaluated and nothing can accept the request yet.
    public var isAwaitingProxyHeader: Bool { proxyProtocol == .awaitingHeader }

    /// The latest outcome, if any.
    public var lastOutcome: ConditionOutcome? { outcomes.last }
}

/// Where the PROXY protocol header of a request from a trusted proxy stands.
public enum ProxyProtocolState: Hashable, Sendable {
    /// Its bytes have not all arrived.
    case awaitingHeader
    /// It was read (and stripped from the caller data).
    case received(ProxyHeader)
}
