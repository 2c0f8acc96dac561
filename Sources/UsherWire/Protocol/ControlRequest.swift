import UsherCore

/// One request line from a client.
///
/// ```json
/// {"v":1,"id":1,"op":"hello"}
/// {"v":1,"id":2,"op":"decide","ids":["r1","r2"],"decision":"reject","mode":"reset"}
/// ```
public struct ControlRequest: Hashable, Sendable {
    public var id: MessageID?
    public var operation: ControlOperation

    public init(id: MessageID?, operation: ControlOperation) {
        self.id = id
        self.operation = operation
    }
}

/// What a client asks for.
public enum ControlOperation: Hashable, Sendable {
    /// The daemon's version, pid, uptime, and the caller's role.
    case hello
    /// Listeners, counters and every pending request; with `host`, every TCP listener of the
    /// host too.
    case snapshot(host: Bool)
    /// A snapshot, then every event as it happens; with `host`, the host's listeners in the
    /// snapshot and a `host` event at each sample.
    case subscribe(host: Bool)
    /// Counters per listener and of the control plane.
    case stats
    /// Decides the requests selected (operators only).
    case decide(DecideOperation)
    /// The remembered decisions and rules in force, with their counters.
    case rules
    /// Reads the rules file again (operators only); with `applyPending`, evaluates the undecided
    /// pending requests again.
    case reload(applyPending: Bool)
    /// Removes a remembered decision by name (operators only).
    case forget(name: String)
    /// A page of the daemon's journal: requests that ended, newest last.
    case journal(JournalPageRequest)

    /// The `op` names, as the protocol spells them.
    public static let names = ["hello", "snapshot", "subscribe", "stats", "decide", "rules", "reload", "forget", "journal"]

    public var name: String {
        switch self {
        case .hello: "hello"
        case .snapshot: "snapshot"
        case .subscribe: "subscribe"
        case .stats: "stats"
        case .decide: "decide"
        case .rules: "rules"
        case .reload: "reload"
        case .forget: "forget"
        case .journal: "journal"
        }
    }
}

/// A decision on one or many pending requests: by ID, or by a selection.
public struct DecideOperation: Hashable, Sendable {
    /// The requests named; with a non-empty ``selector`` only those it matches.
    public var ids: [String]
    /// Selects pending requests; `nil` with IDs means exactly the IDs.
    public var selector: RequestSelector?
    public var decision: DecisionRequest
    /// Also remember the decision for requests like these, within a scope, for a time.
    public var remember: RememberRequest?
    /// A deferral also moves each request's pending timeout back by its length
    /// (`"extend_timeout":true`), so the timeout cannot end it unseen.
    public var extendsTimeout: Bool

    public init(
        ids: [String], selector: RequestSelector?, decision: DecisionRequest, remember: RememberRequest? = nil,
        extendsTimeout: Bool = false
    ) {
        self.ids = ids
        self.selector = selector
        self.decision = decision
        self.remember = remember
        self.extendsTimeout = extendsTimeout
    }
}

/// A decision to remember: `"remember":"peer","remember_for":"5m"`.
public struct RememberRequest: Hashable, Sendable {
    public var scope: RememberScope
    public var duration: RememberDuration

    public init(scope: RememberScope, duration: RememberDuration) {
        self.scope = scope
        self.duration = duration
    }
}

/// The decision a client asks for; a reject without a message gets the daemon's
/// `--reject-message`.
public enum DecisionRequest: Hashable, Sendable {
    case accept
    case reject(mode: RejectMode, message: [UInt8]?)
    case deferral(Duration)
}
