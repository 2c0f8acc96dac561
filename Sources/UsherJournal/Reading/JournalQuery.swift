import Foundation
import GRDB
import UsherCore

/// Which requests to read from the journal: every filter given must hold.
public struct JournalQuery: Hashable, Sendable {
    /// Ended at or after, milliseconds since the epoch.
    public var since: Int64?
    /// Ended before.
    public var until: Int64?
    /// The peer is in this network.
    public var peer: AddressPrefix?
    /// The listener: its address (`127.0.0.1:8080`) or port (`8080`, `:8080`).
    public var listener: String?
    /// The final state: `accepted`, `rejected` (with `reset`), `withdrawn`, `expired`,
    /// `overflowed`.
    public var state: String?
    /// Who decided: a kind (`policy`, `rule`, `operator`, `timeout`, `shutdown`, `upstream`,
    /// `overflow`, `proxy-protocol`), `rule NAME`, or an operator's user name or uid.
    public var decidedBy: String?
    /// The request ID, `r17` (in any run, unless ``run`` says which).
    public var id: RequestID?
    /// The daemon run (its start, milliseconds since the epoch).
    public var run: Int64?
    /// The most rows, the newest of those that match.
    public var limit: Int?

    public init() {}

    /// The `WHERE` clause and its arguments.
    var filter: (sql: String, arguments: StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        func add(_ clause: String, _ values: [any DatabaseValueConvertible]) {
            clauses.append(clause)
            arguments += StatementArguments(values)
        }
        if let since { add("ended_at >= ?", [since]) }
        if let until { add("ended_at < ?", [until]) }
        if let peer {
            let (low, high) = peer.range
            add("peer_address BETWEEN ? AND ? AND length(peer_address) = ?", [Data(low), Data(high), low.count])
        }
        if let listener {
            let port = listener.hasPrefix(":") ? String(listener.dropFirst()) : listener
            if port.allSatisfy(\.isNumber), !port.isEmpty {
                add("listener LIKE ?", ["%:" + port])
            } else {
                add("listener = ?", [listener])
            }
        }
        if let state {
            if state == "rejected" { add("state IN ('rejected', 'reset')", []) } else { add("state = ?", [state]) }
        }
        if let decidedBy { addDecider(decidedBy, add) }
        if let id { add("sequence = ?", [Int64(id.sequence)]) }
        if let run { add("run = ?", [run]) }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    private func addDecider(_ text: String, _ add: (String, [any DatabaseValueConvertible]) -> Void) {
        let kinds = ["policy", "rule", "operator", "timeout", "shutdown", "upstream", "overflow", "proxy-protocol"]
        if kinds.contains(text) {
            add("decider_kind = ?", [text])
        } else if text.hasPrefix("rule ") {
            add("rule = ?", [String(text.dropFirst(5))])
        } else if let uid = Int64(text) {
            add("decider_uid = ?", [uid])
        } else {
            add("decider_user = ?", [text])
        }
    }
}

extension AddressPrefix {
    /// The lowest and the highest address of the network (network order).
    var range: (low: [UInt8], high: [UInt8]) {
        var low = bytes
        var high = bytes
        for bit in length..<(bytes.count * 8) {
            let mask = UInt8(0x80) >> (bit % 8)
            low[bit / 8] &= ~mask
            high[bit / 8] |= mask
        }
        return (low, high)
    }
}
