import Foundation
import UsherWire

/// One line of the event log.
public struct EventLogEntry: Hashable, Sendable {
    public var at: Date
    /// `r17`, a listener address, or `usher`.
    public var subject: String
    public var text: String
    public var slot: Slot
    /// The request the line is about (of the running daemon, or of the journal row).
    public var requestID: String?
    /// The journal's row, for a line read from the journal.
    public var journal: WireJournalRow?

    public init(at: Date, subject: String, text: String, slot: Slot, requestID: String? = nil, journal: WireJournalRow? = nil) {
        self.at = at
        self.subject = subject
        self.text = text
        self.slot = slot
        self.requestID = requestID
        self.journal = journal
    }
}
