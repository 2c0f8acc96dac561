/// One change the writer makes to the journal.
public enum JournalWrite: Hashable, Sendable {
    /// A request reached its final state (boxed: a row is large, and is passed along a few times
    /// on its way to the disk).
    indirect case request(RequestRecord)
    /// The proxied connection of request `sequence` of `run` closed at `at` (milliseconds since
    /// the epoch), having carried these bytes.
    case closed(run: Int64, sequence: Int64, bytesUp: Int64, bytesDown: Int64, at: Int64)
    /// Something the daemon did.
    case daemon(DaemonRecord)
}
