import Foundation
import GRDB

/// Reads a journal, from any process, while a daemon may be writing it.
public struct JournalReader: Sendable {
    public let path: String
    private let database: DatabaseQueue

    /// A journal row with its place in the file, for following new rows.
    public struct Entry: Hashable, Sendable {
        public var number: Int64
        public var record: RequestRecord
    }

    /// Opens the journal at `path` for reading; it must exist.
    public init(path: String) throws(JournalError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw JournalError(path: path, reason: "no journal there (usher serve writes one; see --journal)")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(5)
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw JournalError(path: path, reason: Journal.reason(error))
        }
    }

    /// The requests `query` selects, oldest first (with a limit, the newest that many).
    public func requests(_ query: JournalQuery, after number: Int64? = nil) throws(JournalError) -> [Entry] {
        var filter = query.filter
        if let number {
            filter.sql += (filter.sql.isEmpty ? "WHERE " : " AND ") + "rowid > ?"
            filter.arguments += [number]
        }
        let limit = query.limit.map { " LIMIT \($0)" } ?? ""
        // In the order they ended (rows are written in about that order): the index on
        // ended_at serves both a time filter and the order (by rowid, a scan of every row).
        let sql = "SELECT * FROM (SELECT rowid AS number, * FROM requests \(filter.sql) ORDER BY ended_at DESC, rowid DESC\(limit))"
            + " ORDER BY ended_at, number"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map { row in
                Entry(number: row["number"], record: try RequestRecord(row: row))
            }
        }
    }

    /// A page back through the journal in the order rows were written: at most `limit` rows
    /// that `query` selects and were written before row `before` (or the newest), oldest
    /// first, and whether older ones remain.
    public func page(_ query: JournalQuery, before number: Int64?, limit: Int) throws(JournalError) -> (entries: [Entry], more: Bool) {
        var filter = query.filter
        if let number {
            filter.sql += (filter.sql.isEmpty ? "WHERE " : " AND ") + "rowid < ?"
            filter.arguments += [number]
        }
        let sql = "SELECT rowid AS number, * FROM requests \(filter.sql) ORDER BY rowid DESC LIMIT \(max(0, limit) + 1)"
        let rows = try read { db in
            try Row.fetchAll(db, sql: sql, arguments: filter.arguments).map { row in
                Entry(number: row["number"], record: try RequestRecord(row: row))
            }
        }
        return (Array(rows.prefix(limit).reversed()), rows.count > limit)
    }

    /// The daemon's own records between two times (milliseconds since the epoch), oldest first.
    public func daemonRecords(since: Int64? = nil, until: Int64? = nil) throws(JournalError) -> [DaemonRecord] {
        try read { db in
            try DaemonRecord.fetchAll(
                db, sql: "SELECT * FROM daemon_events WHERE at >= ? AND at < ? ORDER BY at",
                arguments: [since ?? .min, until ?? .max])
        }
    }

    /// Counts of the requests `query` selects: per final state, per rule that decided, per hour.
    public func stats(_ query: JournalQuery) throws(JournalError) -> JournalStats {
        let filter = query.filter
        return try read { db in
            func counts(_ column: String) throws -> [JournalStats.Count] {
                try Row.fetchAll(
                    db, sql: "SELECT \(column) AS key, count(*) AS count FROM requests \(filter.sql) GROUP BY key ORDER BY key",
                    arguments: filter.arguments
                ).map { JournalStats.Count(key: $0["key"] ?? "", count: $0["count"]) }
            }
            let ruleFilter = filter.sql.isEmpty ? "WHERE rule IS NOT NULL" : filter.sql + " AND rule IS NOT NULL"
            let rules = try Row.fetchAll(
                db, sql: "SELECT rule AS key, count(*) AS count FROM requests \(ruleFilter) GROUP BY key ORDER BY count DESC, key",
                arguments: filter.arguments
            ).map { JournalStats.Count(key: $0["key"], count: $0["count"]) }
            let hours = try Row.fetchAll(
                db, sql: "SELECT (ended_at / 3600000) * 3600000 AS hour, count(*) AS count FROM requests \(filter.sql) GROUP BY hour ORDER BY hour",
                arguments: filter.arguments
            ).map { ($0["hour"] as Int64, $0["count"] as Int) }
            return JournalStats(states: try counts("state"), rules: rules, hours: hours)
        }
    }

    private func read<Value>(_ body: (Database) throws -> Value) throws(JournalError) -> Value {
        do {
            return try database.read(body)
        } catch {
            throw JournalError(path: path, reason: Journal.reason(error))
        }
    }
}

/// Counts over a journal's requests.
public struct JournalStats: Hashable, Sendable {
    /// A key and how many requests have it.
    public struct Count: Hashable, Sendable {
        public var key: String
        public var count: Int
    }

    /// Per final state.
    public var states: [Count]
    /// Per rule that decided, most first.
    public var rules: [Count]
    /// Per hour: the hour's start (milliseconds since the epoch, UTC) and its count.
    public var hours: [(start: Int64, count: Int)]

    public static func == (a: JournalStats, b: JournalStats) -> Bool {
        a.states == b.states && a.rules == b.rules && a.hours.elementsEqual(b.hours, by: ==)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(states)
        hasher.combine(rules)
    }

    /// All the requests counted.
    public var total: Int { states.reduce(0) { $0 + $1.count } }
}
