import UsherCore
import UsherKernel

/// Why a ``Gate`` could not start.
public enum GateError: Error, Sendable, CustomStringConvertible {
    /// A host name did not resolve to an address.
    case cannotResolve(Endpoint, role: String, reason: String)
    /// A listening socket could not be opened (the port is in use, the address is not local…).
    case cannotListen(Endpoint, reason: String)
    /// The built-in demo upstream could not start.
    case demoUpstreamFailed(reason: String)
    /// The upstream is one of the gate's own listeners: accepted connections would loop.
    case upstreamIsListener(upstream: Endpoint, listener: Endpoint)
    /// `--max-connections` asks for more connections than the open-file limit can hold.
    case tooManyConnections(requested: Int, possible: Int, openFileLimit: Int, perConnection: Int)
    /// Guarded ports beside the gate's listeners could not be set up (``GateConfiguration/guarded``).
    case cannotGuard(NetfilterError)
    /// Guarded ports beside the listeners, or sockets from systemd, need the default data path:
    /// what needs it.
    case needsDataPlane(String)

    public var description: String {
        switch self {
        case .cannotResolve(let endpoint, let role, let reason):
            "cannot resolve \(role) \(endpoint): \(reason)"
        case .cannotListen(let endpoint, let reason):
            "cannot listen on \(endpoint): \(reason)"
        case .demoUpstreamFailed(let reason):
            "cannot start the demo upstream: \(reason)"
        case .upstreamIsListener(let upstream, let listener):
            "--upstream \(upstream) is usher's own --listen \(listener); accepted connections would loop"
        case .tooManyConnections(let requested, let possible, let limit, let perConnection):
            "--max-connections \(requested) needs more descriptors than the open-file limit \(limit) holds: at most \(possible) "
                + "(\(perConnection) per connection, and some kept for usher itself); raise ulimit -n (LimitNOFILE=), "
                + "or leave --max-connections out to fit it to the limit"
        case .cannotGuard(let error): error.description
        case .needsDataPlane(let what): "\(what) needs the default data path (unset USHER_DATA_PATH=nio)"
        }
    }

    /// `true` when the mistake is in what the user typed rather than in the system.
    public var isUsageError: Bool {
        switch self {
        case .cannotResolve, .upstreamIsListener, .tooManyConnections, .needsDataPlane: true
        case .cannotListen, .demoUpstreamFailed, .cannotGuard: false
        }
    }
}
