/// What one listener decides differently from the provider's ``ProviderConfiguration``: each
/// field left `nil` keeps the provider's value.
public struct ListenerOverrides: Hashable, Sendable {
    public var policy: Policy?
    /// `.some(nil)`: requests on this listener wait without a timeout.
    public var pendingTimeout: Duration??
    public var timeoutAction: TimeoutAction?
    public var maxPending: Int?
    /// The rejection of the policy and the timeout (its message is what a rejected client gets).
    public var defaultRejection: Rejection?

    public init(
        policy: Policy? = nil, pendingTimeout: Duration?? = nil, timeoutAction: TimeoutAction? = nil, maxPending: Int? = nil,
        defaultRejection: Rejection? = nil
    ) {
        self.policy = policy
        self.pendingTimeout = pendingTimeout
        self.timeoutAction = timeoutAction
        self.maxPending = maxPending.map { max(1, $0) }
        self.defaultRejection = defaultRejection
    }

    /// `configuration` with these overrides in place.
    public func applied(to configuration: ProviderConfiguration) -> ProviderConfiguration {
        var result = configuration
        if let policy { result.policy = policy }
        if let pendingTimeout { result.pendingTimeout = pendingTimeout }
        if let timeoutAction { result.timeoutAction = timeoutAction }
        if let maxPending { result.maxPending = maxPending }
        if let defaultRejection { result.defaultRejection = defaultRejection }
        return result
    }
}
