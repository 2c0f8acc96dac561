/// The bounds of the control socket: how many clients at once, and how long a client that does
/// not subscribe may keep its connection without a request.
public struct ControlLimits: Hashable, Sendable {
    /// Control connections open at once (`--max-control-connections`); the next one gets one
    /// `too_many_connections` error line and is closed.
    public var maxConnections: Int
    /// A connection without a subscription that sends no request for this long gets one
    /// `idle_timeout` error line and is closed (subscribers may be silent for good).
    public var idleTimeout: Duration

    public init(maxConnections: Int = 256, idleTimeout: Duration = .seconds(300)) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
    }

    /// What `usher serve` does without options.
    public static let standard = ControlLimits()
}
