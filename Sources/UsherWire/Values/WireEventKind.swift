/// The kind of a wire event, as the `kind` field names it.
///
/// A kind this usher does not know (from a newer daemon) is kept as ``unknown(_:)`` rather than
/// refused, so that an older client keeps reading the stream.
public enum WireEventKind: Hashable, Sendable, CustomStringConvertible {
    case arrived
    /// The client sent bytes while pending.
    case data
    /// A condition gave an outcome.
    case outcome
    case deferred
    case undeferred
    case accepted
    case rejected
    case withdrawn
    case expired
    case overflowed
    /// The proxied connection of an accepted request ended.
    case closed
    case paused
    case resumed
    /// A periodic tick with counters and listeners.
    case stats
    /// The host's listeners at a sample.
    case host
    /// The rules in force changed (or a new file was refused).
    case rules
    /// The daemon tells its operators something (a notification failed, the journal…).
    case notice
    case unknown(String)

    private static let named: [(String, WireEventKind)] = [
        ("arrived", .arrived), ("data", .data), ("outcome", .outcome), ("deferred", .deferred),
        ("undeferred", .undeferred), ("accepted", .accepted), ("rejected", .rejected), ("withdrawn", .withdrawn),
        ("expired", .expired), ("overflowed", .overflowed), ("closed", .closed), ("paused", .paused), ("resumed", .resumed),
        ("stats", .stats), ("host", .host), ("rules", .rules), ("notice", .notice),
    ]

    /// The kind named `name`, or ``unknown(_:)``.
    public init(name: String) {
        self = Self.named.first { $0.0 == name }?.1 ?? .unknown(name)
    }

    /// The name on the wire.
    public var name: String {
        if case .unknown(let name) = self { return name }
        return Self.named.first { $0.1 == self }?.0 ?? "unknown"
    }

    public var description: String { name }

    /// `true` for the kinds after which a request is no longer pending.
    public var endsRequest: Bool {
        switch self {
        case .accepted, .rejected, .withdrawn, .expired, .overflowed: true
        default: false
        }
    }
}
