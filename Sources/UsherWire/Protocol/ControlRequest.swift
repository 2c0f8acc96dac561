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

    /// The `op` names, as the protocol spells them.
    public static let names = ["hello", "snapshot", "subscribe", "stats", "decide"]

    public var name: String {
        switch self {
        case .hello: "hello"
        case .snapshot: "snapshot"
        case .subscribe: "subscribe"
        case .stats: "stats"
        case .decide: "decide"
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

    public init(ids: [String], selector: RequestSelector?, decision: DecisionRequest) {
        self.ids = ids
        self.selector = selector
        self.decision = decision
    }
}

/// The decision a client asks for; a reject without a message gets the daemon's
/// `--reject-message`.
public enum DecisionRequest: Hashable, Sendable {
    case accept
    case reject(mode: RejectMode, message: [UInt8]?)
    case deferral(Duration)
}
