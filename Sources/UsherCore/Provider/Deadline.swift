/// A timer of one request: its pending timeout or the end of its deferral.
///
/// Deadlines live in a min-heap and are never removed early: when one fires, the core checks that
/// it still matches the request (lazy deletion), which keeps every operation O(log n).
struct Deadline: Comparable, Sendable {
    enum Kind: Int, Sendable {
        case deferralEnd
        case timeout
    }

    var at: Moment
    var id: RequestID
    var kind: Kind

    static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        (lhs.at, lhs.id, lhs.kind.rawValue) < (rhs.at, rhs.id, rhs.kind.rawValue)
    }
}
