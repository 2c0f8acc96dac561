import NIOCore
import UsherCore

/// A consistent picture of a running gate at one moment.
public struct GateSnapshot: Sendable {
    public var counters: Counters
    public var listeners: [ListenerStatus]
    /// Client connections held now, pending or proxied.
    public var connections: Int
    /// Requests in the queue, oldest first (empty when the snapshot was taken without them).
    public var pending: [Request]
    /// When the snapshot was taken.
    public var at: Moment
    /// The sequence number of the last event whose effect the snapshot includes (0 before any).
    public var lastEventSequence: UInt64
}
