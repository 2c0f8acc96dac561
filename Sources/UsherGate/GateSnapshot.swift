import NIOCore
import UsherCore

/// A consistent picture of a running gate at one moment.
public struct GateSnapshot: Sendable {
    public var counters: Counters
    public var listeners: [ListenerStatus]
    /// Requests in the queue, oldest first.
    public var pending: [Request]
    /// When the snapshot was taken.
    public var at: Moment
}
