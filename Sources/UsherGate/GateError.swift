import UsherCore

/// Why a ``Gate`` could not start.
public enum GateError: Error, Sendable, CustomStringConvertible {
    /// A host name did not resolve to an address.
    case cannotResolve(Endpoint, role: String, reason: String)
    /// A listening socket could not be opened (the port is in use, the address is not local…).
    case cannotListen(Endpoint, reason: String)
    /// The built-in demo upstream could not start.
    case demoUpstreamFailed(reason: String)

    public var description: String {
        switch self {
        case .cannotResolve(let endpoint, let role, let reason):
            "cannot resolve \(role) \(endpoint): \(reason)"
        case .cannotListen(let endpoint, let reason):
            "cannot listen on \(endpoint): \(reason)"
        case .demoUpstreamFailed(let reason):
            "cannot start the demo upstream: \(reason)"
        }
    }

    /// `true` when the mistake is in what the user typed rather than in the system.
    public var isUsageError: Bool {
        if case .cannotResolve = self { return true }
        return false
    }
}
