/// Why the journal could not be opened, written or read.
public struct JournalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The journal's file.
    public var path: String
    /// What went wrong, in words (SQLite's message, or the system's).
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "journal \(path): \(reason)" }
}
