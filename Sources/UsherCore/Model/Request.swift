/// One connection request in the pending queue: who, where, when, what it sent, and every
/// condition outcome so far.
public struct Request: Hashable, Sendable, Identifiable {
    /// What a request holds. It lives in a shared, copy-on-write box: a request is copied into
    /// the queue, every event and the history of finished requests, and a copy is then one
    /// reference, not its whole contents.
    struct Fields: Hashable, Sendable {
        let id: RequestID
        let listener: ListenerID
        let peer: Endpoint
        let local: Endpoint
        let arrivedAt: Moment
        var callerData = CallerData()
        var state: RequestState = .arrived
        var outcomes: [ConditionOutcome] = []
        var timeoutDeadline: Moment?
        var decider: Decider?
        var callerFinishedSending = false
        var finishedAt: Moment?
        var source: String
        var proxyProtocol: ProxyProtocolState?
        var ruleStanding: RuleStanding?
    }

    /// Mutated only when uniquely referenced (``fields``' setter copies it first otherwise).
    private final class Storage: @unchecked Sendable {
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    /// Everything the request holds, read or changed in place (copied first when shared).
    private var fields: Fields {
        get { storage.fields }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
            yield &storage.fields
        }
    }

    public var id: RequestID { storage.fields.id }
    /// The listener it arrived on.
    public var listener: ListenerID { storage.fields.listener }
    /// The client's address.
    public var peer: Endpoint { storage.fields.peer }
    /// The address the client connected to.
    public var local: Endpoint { storage.fields.local }
    /// When usher took it from the kernel.
    public var arrivedAt: Moment { storage.fields.arrivedAt }
    /// The first bytes the client sent.
    public internal(set) var callerData: CallerData {
        get { storage.fields.callerData }
        _modify { yield &fields.callerData }
    }
    /// Where it is in its lifecycle.
    public internal(set) var state: RequestState {
        get { storage.fields.state }
        _modify { yield &fields.state }
    }
    /// Every condition outcome, oldest first.
    public internal(set) var outcomes: [ConditionOutcome] {
        get { storage.fields.outcomes }
        _modify { yield &fields.outcomes }
    }
    /// When the pending timeout applies its action, if it does.
    public internal(set) var timeoutDeadline: Moment? {
        get { storage.fields.timeoutDeadline }
        _modify { yield &fields.timeoutDeadline }
    }
    /// Who took the decision that finished (or is finishing) the request.
    public internal(set) var decider: Decider? {
        get { storage.fields.decider }
        _modify { yield &fields.decider }
    }
    /// When it reached its final state; `nil` until then.
    public internal(set) var finishedAt: Moment? {
        get { storage.fields.finishedAt }
        _modify { yield &fields.finishedAt }
    }
    /// The client has stopped sending (half-close) and waits for the answer.
    public internal(set) var callerFinishedSending: Bool {
        get { storage.fields.callerFinishedSending }
        _modify { yield &fields.callerFinishedSending }
    }
    /// The caller's address as rules see it: the peer's host, or the original source of a
    /// trusted PROXY header.
    public internal(set) var source: String {
        get { storage.fields.source }
        _modify { yield &fields.source }
    }
    /// Where the PROXY protocol header of a trusted proxy stands; `nil` when the peer is not
    /// trusted to send one.
    public internal(set) var proxyProtocol: ProxyProtocolState? {
        get { storage.fields.proxyProtocol }
        _modify { yield &fields.proxyProtocol }
    }
    /// How the rules left the request the last time they were evaluated.
    var ruleStanding: RuleStanding? {
        get { storage.fields.ruleStanding }
        _modify { yield &fields.ruleStanding }
    }

    public init(id: RequestID, listener: ListenerID, peer: Endpoint, local: Endpoint, arrivedAt: Moment) {
        storage = Storage(Fields(id: id, listener: listener, peer: peer, local: local, arrivedAt: arrivedAt, source: peer.host))
    }

    public static func == (lhs: Request, rhs: Request) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
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
public enum ProxyProtocolState: Hashable, Sendable, Codable {
    /// Its bytes have not all arrived.
    case awaitingHeader
    /// It was read (and stripped from the caller data).
    case received(ProxyHeader)
}
