import Foundation
import GRDB

/// One request in the journal, written when it ends: who asked (peer, listener, what it sent),
/// what became of it and who decided, every condition outcome, and, for an accepted one, what
/// its proxied connection carried (filled in when the connection closes).
///
/// Times are milliseconds since the Unix epoch (UTC).
public struct RequestRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "requests"

    /// `r17`.
    public var id: String
    /// 17: with ``run``, what names the request across restarts.
    public var sequence: Int64
    /// When the daemon that took the request started: IDs begin again at `r1` with each start.
    public var run: Int64
    /// The listener's address, `127.0.0.1:8080`.
    public var listener: String
    /// The client as the kernel saw it, `203.0.113.9:51234`.
    public var peer: String
    /// The peer's address in network order (4 or 16 bytes), for network filters.
    public var peerAddress: Data
    /// The original client named by a trusted proxy's PROXY header.
    public var source: String?
    /// The address the client connected to.
    public var local: String
    public var arrivedAt: Int64
    /// When it reached its final state.
    public var endedAt: Int64
    /// `accepted`, `rejected`, `reset`, `withdrawn`, `expired`, `overflowed`.
    public var state: String
    /// Who decided, as people read it: `policy`, `rule canary`, `alice (uid 1000, pid 812)`,
    /// `timeout`; `nil` for a request its client withdrew.
    public var decidedBy: String?
    /// What kind of decider: `policy`, `rule`, `operator`, `timeout`, `shutdown`, `upstream`,
    /// `overflow`, `proxy-protocol`.
    public var deciderKind: String?
    /// The operator's user ID, user name and process ID, when an operator decided.
    public var deciderUid: Int64?
    public var deciderUser: String?
    public var deciderPid: Int64?
    /// The rule that decided, when one did.
    public var rule: String?
    /// The daemon's `--policy` at the time.
    public var policy: String
    /// Why, in words (the deciding outcome's reason).
    public var reason: String?
    /// Every condition outcome, oldest first, as a JSON array of objects with `condition`,
    /// `verdict`, `reason` and `at` (wire time).
    public var outcomes: String
    /// What the client sent, printable, at most ``previewLimit`` characters.
    public var preview: String
    /// Caller-data bytes seen in all.
    public var dataBytes: Int64
    public var tlsServerName: String?
    public var httpHost: String?
    public var httpRequest: String?
    /// Milliseconds from arrival to the final state.
    public var waitMs: Int64
    /// An accepted request's proxied connection: bytes each way and when it closed; `nil` while
    /// it is open (or when it never was).
    public var bytesUp: Int64?
    public var bytesDown: Int64?
    public var closedAt: Int64?

    /// The longest preview kept.
    public static let previewLimit = 256

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, sequence, run, listener, peer, source, local, state, rule, policy, reason, outcomes, preview
        case peerAddress = "peer_address"
        case arrivedAt = "arrived_at"
        case endedAt = "ended_at"
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
        case closedAt = "closed_at"
    }

    /// The columns in the order of ``insertSQL``.
    static let columns: [CodingKeys] = [
        .id, .sequence, .run, .listener, .peer, .peerAddress, .source, .local, .arrivedAt, .endedAt, .state, .decidedBy,
        .deciderKind, .deciderUid, .deciderUser, .deciderPid, .rule, .policy, .reason, .outcomes, .preview, .dataBytes,
        .tlsServerName, .httpHost, .httpRequest, .waitMs, .bytesUp, .bytesDown, .closedAt,
    ]

    /// One prepared insert for every row, bound by ``bind(to:)`` (GRDB's record insert builds
    /// its statement from the Codable encoding each time: most of the journal's cost).
    static let insertSQL = "INSERT INTO requests (" + columns.map(\.rawValue).joined(separator: ", ") + ") VALUES ("
        + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"

    /// Binds the values of ``insertSQL``, in its order.
    func bind(to insert: inout DirectInsert) {
        insert.bind(id)
        insert.bind(sequence)
        insert.bind(run)
        insert.bind(listener)
        insert.bind(peer)
        insert.bind(peerAddress)
        insert.bind(source)
        insert.bind(local)
        insert.bind(arrivedAt)
        insert.bind(endedAt)
        insert.bind(state)
        insert.bind(decidedBy)
        insert.bind(deciderKind)
        insert.bind(deciderUid)
        insert.bind(deciderUser)
        insert.bind(deciderPid)
        insert.bind(rule)
        insert.bind(policy)
        insert.bind(reason)
        insert.bind(outcomes)
        insert.bind(preview)
        insert.bind(dataBytes)
        insert.bind(tlsServerName)
        insert.bind(httpHost)
        insert.bind(httpRequest)
        insert.bind(waitMs)
        insert.bind(bytesUp)
        insert.bind(bytesDown)
        insert.bind(closedAt)
    }

    /// Milliseconds the proxied connection was open, once it closed.
    public var connectionMs: Int64? { closedAt.map { max(0, $0 - endedAt) } }
}
