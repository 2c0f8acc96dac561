/// One request as the daemon's journal holds it, the same object `usher log --json` prints:
/// what the client sent, what became of it, who decided and why, and what its proxied
/// connection carried. Times are wire times.
public struct WireJournalRow: Hashable, Sendable, Codable {
    /// The row's place in the journal: pages go back from it.
    public var number: Int64?
    public var id: String
    /// When the daemon that took the request started (IDs begin again with each start).
    public var run: String
    public var listener: String
    public var peer: String
    /// The original client named by a trusted proxy's PROXY header.
    public var source: String?
    public var local: String
    public var arrived: String
    public var ended: String
    /// `accepted`, `rejected`, `reset`, `withdrawn`, `expired`, `overflowed`.
    public var state: String
    public var policy: String
    public var decidedBy: String?
    public var deciderKind: String?
    public var deciderUid: Int64?
    public var deciderUser: String?
    public var deciderPid: Int64?
    public var rule: String?
    public var reason: String?
    /// Every condition outcome, oldest first.
    public var outcomes: [WireOutcome]
    /// What the client sent, printable.
    public var preview: String
    public var dataBytes: Int64
    public var tlsServerName: String?
    public var httpHost: String?
    public var httpRequest: String?
    public var waitMs: Int64
    /// An accepted request's proxied connection, once it closed.
    public var bytesUp: Int64?
    public var bytesDown: Int64?
    public var closed: String?
    public var connectionMs: Int64?

    enum CodingKeys: String, CodingKey {
        case number, id, run, listener, peer, source, local, arrived, ended, state, policy, rule, reason, outcomes, preview, closed
        case decidedBy = "decided_by"
        case deciderKind = "decider_kind"
        case deciderUid = "decider_uid"
        case deciderUser = "decider_user"
        case deciderPid = "decider_pid"
        case dataBytes = "data_bytes"
        case tlsServerName = "tls_sni"
        case httpHost = "http_host"
        case httpRequest = "http_request"
        case waitMs = "wait_ms"
        case bytesUp = "bytes_up"
        case bytesDown = "bytes_down"
        case connectionMs = "connection_ms"
    }

    public init(
        number: Int64?, id: String, run: String, listener: String, peer: String, source: String?, local: String, arrived: String,
        ended: String, state: String, policy: String, outcomes: [WireOutcome], preview: String, dataBytes: Int64, waitMs: Int64
    ) {
        self.number = number
        self.id = id
        self.run = run
        self.listener = listener
        self.peer = peer
        self.source = source
        self.local = local
        self.arrived = arrived
        self.ended = ended
        self.state = state
        self.policy = policy
        self.outcomes = outcomes
        self.preview = preview
        self.dataBytes = dataBytes
        self.waitMs = waitMs
    }
}

/// A page of the journal, newest last, and whether older rows remain.
public struct WireJournalPage: Hashable, Sendable, Codable {
    public var rows: [WireJournalRow]
    /// Rows older than the first of this page remain.
    public var more: Bool

    public init(rows: [WireJournalRow], more: Bool) {
        self.rows = rows
        self.more = more
    }
}

/// Which rows of the daemon's journal to read (`"op":"journal"`).
///
/// ```json
/// {"v":1,"id":5,"op":"journal","before":1200,"limit":50}
/// {"v":1,"id":6,"op":"journal","request":"r17"}
/// ```
public struct JournalPageRequest: Hashable, Sendable {
    /// Rows before this row number (from a previous page); `nil` for the newest.
    public var before: Int64?
    /// Rows that ended before this wire time.
    public var until: String?
    /// The request with this ID taken by the running daemon.
    public var request: String?
    /// The most rows (1 to ``maximumLimit``).
    public var limit: Int

    /// The most rows one page holds.
    public static let maximumLimit = 500

    public init(before: Int64? = nil, until: String? = nil, request: String? = nil, limit: Int = 100) {
        self.before = before
        self.until = until
        self.request = request
        self.limit = limit
    }
}
