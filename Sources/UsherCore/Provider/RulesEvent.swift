/// A change of the conditions in force: the rules file reloaded (or a reload refused), a
/// decision remembered or forgotten.
public struct RulesEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// New rules are in force; `reevaluated` pending requests were evaluated again
        /// (`--apply-pending`).
        case reloaded(rules: Int, reevaluated: Int)
        /// A new rules file was refused; the old rules stay in force.
        case refused(reason: String)
        /// An operator's decision is remembered as this rule.
        case remembered(Rule)
        /// A remembered decision was removed.
        case forgotten(name: String)

        /// `reloaded`, `refused`, `remembered` or `forgotten`.
        public var name: String {
            switch self {
            case .reloaded: "reloaded"
            case .refused: "refused"
            case .remembered: "remembered"
            case .forgotten: "forgotten"
            }
        }
    }

    public var kind: Kind
    /// The rules file, when one is concerned.
    public var file: String?
    public var at: Moment

    public init(kind: Kind, file: String? = nil, at: Moment) {
        self.kind = kind
        self.file = file
        self.at = at
    }
}
