/// Something the daemon tells its operators that is not a step of a request: a notification
/// command failed, the journal stopped (or started again) writing, an operator was refused.
///
/// ```json
/// {"kind":"notice","at":"…","notice":{"source":"notify","level":"warning","text":"notify failed for r4: exit 3"}}
/// ```
public struct WireNotice: Hashable, Sendable, Codable {
    /// What it is about: `notify`, `journal`, `control`.
    public var source: String
    public var level: Level
    /// What happened, in words, escaped for terminals.
    public var text: String

    /// How much it matters.
    public enum Level: String, Hashable, Sendable, Codable {
        /// Something failed: an operator should look.
        case warning
        /// For the record: something works again, or was refused as it should be.
        case notice
    }

    public init(source: String, level: Level, text: String) {
        self.source = source
        self.level = level
        self.text = text
    }
}

/// A condition that lasts until the daemon clears it (the journal cannot write): listed in
/// every snapshot and `stats` tick while it lasts, and flagged in the dashboard's header.
public struct WireAlert: Hashable, Sendable, Codable {
    /// What it is about: `journal`.
    public var source: String
    /// What is wrong, in words, escaped for terminals.
    public var text: String

    public init(source: String, text: String) {
        self.source = source
        self.text = text
    }
}
