import Foundation
import GRDB

/// The durable record of every request that ended and of what the daemon did, in one SQLite
/// file (WAL: readers such as `usher log` never wait for the writer, nor it for them).
///
/// One writer owns a journal (``JournalWriter``); any number of processes may read it
/// (``JournalReader``). Old rows go after ``keep``, and the oldest go first once the rows take
/// more than ``maxBytes``.
public final class Journal: Sendable {
    public let path: String
    /// How long rows are kept; `nil`: for ever.
    public let keep: Duration?
    /// The most the rows may take, in bytes; `nil`: no cap.
    public let maxBytes: Int64?
    let database: DatabaseQueue

    /// Opens (creating it and its folder when missing) the journal at `path`, brought to the
    /// current schema.
    public init(path: String, keep: Duration? = nil, maxBytes: Int64? = nil) throws(JournalError) {
        self.path = path
        self.keep = keep
        self.maxBytes = maxBytes
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty, FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw JournalError(path: path, reason: "\(folder) is a file, not a directory")
        }
        do {
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            var configuration = Configuration()
            configuration.journalMode = .wal
            configuration.busyMode = .timeout(5)
            // In WAL mode a commit is then written but not synced: a crash of usher loses
            // nothing committed, a power cut at most the last commits; no fsync per batch.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError(path: path, reason: Self.reason(error))
        }
    }

    /// Writes a batch in one transaction.
    func write(_ batch: JournalBatch) throws(JournalError) {
        guard !batch.isEmpty else { return }
        do {
            try database.write { db in
                var insert = DirectInsert(try db.cachedStatement(sql: RequestRecord.insertSQL), in: db)
                for record in batch.requests {
                    record.bind(to: &insert)
                    try insert.run()
                }
                for record in batch.daemonRecords { try record.insert(db) }
                for close in batch.closes {
                    guard case .closed(let run, let sequence, let up, let down, let at) = close else { continue }
                    try db.execute(
                        sql: "UPDATE requests SET bytes_up = ?, bytes_down = ?, closed_at = ? WHERE run = ? AND sequence = ?",
                        arguments: [up, down, at, run, sequence])
                }
            }
        } catch {
            throw JournalError(path: path, reason: Self.reason(error))
        }
    }

    /// Deletes the rows older than ``keep`` (at `now`, milliseconds since the epoch), then the
    /// oldest while the rows take more than ``maxBytes``; how many requests went.
    @discardableResult
    func enforceLimits(now: Int64) throws(JournalError) -> Int {
        do {
            return try database.write { db in
                var deleted = 0
                if let keep {
                    let cutoff = now - keep.nanosecondsClamped / 1_000_000
                    try db.execute(sql: "DELETE FROM requests WHERE ended_at < ?", arguments: [cutoff])
                    deleted += db.changesCount
                    try db.execute(sql: "DELETE FROM daemon_events WHERE at < ?", arguments: [cutoff])
                }
                if let maxBytes {
                    while try Self.usedBytes(db) > maxBytes {
                        try db.execute(sql: """
                            DELETE FROM requests WHERE rowid IN
                              (SELECT rowid FROM requests ORDER BY ended_at LIMIT max(100, (SELECT count(*) FROM requests) / 10))
                            """)
                        guard db.changesCount > 0 else { break }
                        deleted += db.changesCount
                    }
                }
                return deleted
            }
        } catch {
            throw JournalError(path: path, reason: Self.reason(error))
        }
    }

    /// The bytes the rows take: the file's pages less the free ones.
    private static func usedBytes(_ db: Database) throws -> Int64 {
        let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int64.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error {
            let cause = underlying as NSError
            return cause.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(cause.code))) : cause.localizedDescription
        }
        return "\(error)"
    }
}
