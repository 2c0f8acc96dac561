/// What happened to every request so far, by final state.
///
/// The conservation invariant holds between any two calls into the core:
/// `arrived = accepted + rejected + withdrawn + expired + overflowed + pending`.
public struct Counters: Hashable, Sendable, Codable {
    /// Requests taken from the kernel (queued or overflowed).
    public var arrived = 0
    /// Handed to the upstream by a decision.
    public var accepted = 0
    /// Refused: by a condition, an operator, or an unreachable upstream.
    public var rejected = 0
    /// Left by their clients while pending.
    public var withdrawn = 0
    /// Decided by the pending timeout or a graceful stop.
    public var expired = 0
    /// Turned away by a full queue (`--overflow reset`).
    public var overflowed = 0
    /// Requests in the queue now (pending, deferred or admitting).
    public var pending = 0

    public init() {}

    /// `true` when every arrival is accounted for.
    public var isConserved: Bool {
        arrived == accepted + rejected + withdrawn + expired + overflowed + pending
    }

    /// All finished requests.
    public var finished: Int { accepted + rejected + withdrawn + expired + overflowed }

    mutating func recordQueued() {
        arrived += 1
        pending += 1
    }

    mutating func recordOverflow() {
        arrived += 1
        overflowed += 1
    }

    /// Moves one request from pending to the counter of its final state.
    mutating func recordFinished(_ state: RequestState) {
        pending -= 1
        switch state {
        case .accepted: accepted += 1
        case .rejected: rejected += 1
        case .withdrawn: withdrawn += 1
        case .expired: expired += 1
        case .overflowed: overflowed += 1
        case .arrived, .pending, .deferred, .admitting:
            pending += 1
            assertionFailure("\(state) is not a final state")
        }
    }
}
