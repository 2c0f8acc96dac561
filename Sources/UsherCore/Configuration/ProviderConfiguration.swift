/// How the provider core decides: policy, timeouts, limits and the default rejection.
public struct ProviderConfiguration: Hashable, Sendable {
    /// The default condition.
    public var policy: Policy
    /// How long a request may stay pending; `nil` waits forever.
    public var pendingTimeout: Duration?
    /// What the timeout does.
    public var timeoutAction: TimeoutAction
    /// The most requests pending at once on each listener.
    public var maxPending: Int
    /// What a full queue does.
    public var overflow: OverflowMode
    /// The rejection used by the policy and the timeout: `close` with the `--reject-message` bytes.
    public var defaultRejection: Rejection

    public init(
        policy: Policy = .ask,
        pendingTimeout: Duration? = .seconds(60),
        timeoutAction: TimeoutAction = .reject,
        maxPending: Int = 10_000,
        overflow: OverflowMode = .pause,
        defaultRejection: Rejection = .close
    ) {
        self.policy = policy
        self.pendingTimeout = pendingTimeout
        self.timeoutAction = timeoutAction
        self.maxPending = max(1, maxPending)
        self.overflow = overflow
        self.defaultRejection = defaultRejection
    }
}
