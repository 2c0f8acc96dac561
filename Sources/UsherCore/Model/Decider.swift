/// Who or what took a decision on a request.
public enum Decider: Hashable, Sendable {
    /// The gate's `--policy`.
    case policy
    /// A named rule.
    case rule(String)
    /// A person or script through the control interface.
    case `operator`(Operator)
    /// The pending timeout ran out.
    case timeout
    /// The provider is shutting down.
    case shutdown
    /// The upstream could not be reached after acceptance.
    case upstream
    /// The pending queue was full.
    case overflow
    /// A trusted proxy sent no valid PROXY header.
    case proxyProtocol
}

/// An operator identified by the peer credentials of its control connection.
public struct Operator: Hashable, Sendable {
    public var pid: Int32?
    public var uid: UInt32?

    public init(pid: Int32? = nil, uid: UInt32? = nil) {
        self.pid = pid
        self.uid = uid
    }
}

extension Decider: CustomStringConvertible {
    public var description: String {
        switch self {
        case .policy: "policy"
        case .rule(let name): "rule \(name)"
        case .operator(let person): person.pid.map { "pid \($0)" } ?? "operator"
        case .timeout: "timeout"
        case .shutdown: "shutdown"
        case .upstream: "upstream"
        case .overflow: "overflow"
        case .proxyProtocol: "proxy-protocol"
        }
    }
}
