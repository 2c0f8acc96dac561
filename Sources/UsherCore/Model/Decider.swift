/// Who or what took a decision on a request.
public enum Decider: Hashable, Sendable, Codable {
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
public struct Operator: Hashable, Sendable, Codable, CustomStringConvertible {
    public var pid: Int32?
    public var uid: UInt32?
    /// The user name of `uid`, when the system knows one.
    public var name: String?

    public init(pid: Int32? = nil, uid: UInt32? = nil, name: String? = nil) {
        self.pid = pid
        self.uid = uid
        self.name = name
    }

    /// `alice (uid 1000, pid 812)`; `uid 1000 (pid 812)` without a name; `pid 812`.
    public var description: String {
        let process = pid.map { "pid \($0)" }
        switch (name, uid) {
        case (let name?, let uid?): return "\(name) (" + ["uid \(uid)", process].compactMap { $0 }.joined(separator: ", ") + ")"
        case (nil, let uid?): return "uid \(uid)" + (process.map { " (\($0))" } ?? "")
        default: return process ?? "operator"
        }
    }
}

extension Decider: CustomStringConvertible {
    public var description: String {
        switch self {
        case .policy: "policy"
        case .rule(let name): "rule \(name)"
        case .operator(let person): person.description
        case .timeout: "timeout"
        case .shutdown: "shutdown"
        case .upstream: "upstream"
        case .overflow: "overflow"
        case .proxyProtocol: "proxy-protocol"
        }
    }
}
