import Foundation
import GRDB

/// Something the daemon did that is not a request: it started or stopped, its rules were
/// reloaded or refused, it refused an operator.
public struct DaemonRecord: Codable, Hashable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "daemon_events"

    /// What happened: `start`, `stop`, `rules-reloaded`, `rules-refused`, `remembered`,
    /// `forgotten`, `refused` (an operator's request refused).
    public var kind: String
    /// Milliseconds since the Unix epoch.
    public var at: Int64
    /// The run it belongs to (its start time).
    public var run: Int64
    /// The details, in words.
    public var detail: String

    public init(kind: String, at: Int64, run: Int64, detail: String) {
        self.kind = kind
        self.at = at
        self.run = run
        self.detail = detail
    }
}
