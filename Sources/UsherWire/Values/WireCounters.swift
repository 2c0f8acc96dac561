import UsherCore

/// `Counters` on the wire, with the conservation invariant checked by the daemon.
public struct WireCounters: Hashable, Sendable, Codable {
    public var arrived: Int
    public var accepted: Int
    public var rejected: Int
    public var withdrawn: Int
    public var expired: Int
    public var overflowed: Int
    public var pending: Int
    /// `arrived = accepted + rejected + withdrawn + expired + overflowed + pending`.
    public var conserved: Bool

    public init(_ counters: Counters) {
        arrived = counters.arrived
        accepted = counters.accepted
        rejected = counters.rejected
        withdrawn = counters.withdrawn
        expired = counters.expired
        overflowed = counters.overflowed
        pending = counters.pending
        conserved = counters.isConserved
    }
}
