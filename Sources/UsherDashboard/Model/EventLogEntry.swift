import Foundation

/// One line of the event log.
public struct EventLogEntry: Hashable, Sendable {
    public var at: Date
    /// `r17`, a listener address, or `usher`.
    public var subject: String
    public var text: String
    public var slot: Slot

    public init(at: Date, subject: String, text: String, slot: Slot) {
        self.at = at
        self.subject = subject
        self.text = text
        self.slot = slot
    }
}
