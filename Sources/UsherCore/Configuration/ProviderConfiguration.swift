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
    /// The most client connections held at once over all listeners, pending or proxied (like
    /// HAProxy's `maxconn`); `nil` for no limit.
    public var maxConnections: Int?
    /// What a full queue does.
    public var overflow: OverflowMode
    /// The rejection used by the policy and the timeout: `close` with the `--reject-message` bytes.
    public var defaultRejection: Rejection
    /// What a half-close by an undecided client means.
    public var halfClose: HalfClosePolicy
    /// The peers trusted to start their connections with a PROXY protocol header (v1 or v2):
    /// their requests wait for it, and rules see the original source it names.
    public var proxyProtocolFrom: [AddressPrefix]
    /// How long a trusted proxy has to send its header before the connection is closed.
    public var proxyHeaderTimeout: Duration

    /// The defaults of every field: what `usher serve` does without options.
    public static let standard = ProviderConfiguration()

    public init(
        policy: Policy = .ask,
        pendingTimeout: Duration? = .seconds(60),
        timeoutAction: TimeoutAction = .reject,
        maxPending: Int = 10_000,
        maxConnections: Int? = nil,
        overflow: OverflowMode = .pause,
        defaultRejection: Rejection = .close,
        halfClose: HalfClosePolicy = .withdraw,
        proxyProtocolFrom: [AddressPrefix] = [],
        proxyHeaderTimeout: Duration = .seconds(5)
    ) {
        self.policy = policy
        self.pendingTimeout = pendingTimeout
        self.timeoutAction = timeoutAction
        self.maxPending = max(1, maxPending)
        self.maxConnections = maxConnections.map { max(1, $0) }
        self.overflow = overflow
        self.defaultRejection = defaultRejection
        self.halfClose = halfClose
        self.proxyProtocolFrom = proxyProtocolFrom
        self.proxyHeaderTimeout = proxyHeaderTimeout
    }

    /// `true` when `host` is a peer trusted to send a PROXY header.
    public func trustsProxyHeader(from host: String) -> Bool {
        proxyProtocolFrom.contains { $0.contains(host) }
    }
}
