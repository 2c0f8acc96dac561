/// One rule: a name, matchers combined with AND, and what to do with the requests it matches.
public struct Rule: Hashable, Sendable {
    /// Unique within a rule set; outcomes, counters and `usher rules rm` use it.
    public var name: String
    /// Tested in ``Matcher/cost`` order: cheap ones first, a rate last.
    public private(set) var matchers: [Matcher]
    public var action: RuleAction
    /// When a remembered decision stops applying; `nil` for rules that do not expire.
    public var expires: Expiry?
    /// Where the rule was written: `rules.toml:12`, for messages.
    public var origin: String?

    /// When a remembered decision ends.
    public enum Expiry: Hashable, Sendable {
        /// At this moment of the running process.
        case at(Moment)
        /// When usher stops.
        case restart
    }

    public init(name: String, matchers: [Matcher], action: RuleAction, expires: Expiry? = nil, origin: String? = nil) {
        self.name = name
        self.matchers = matchers.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(\.element)
        self.action = action
        self.expires = expires
        self.origin = origin
    }

    /// `true` when some matcher looks at caller data.
    public var needsData: Bool { matchers.contains(where: \.needsData) }
    /// `true` when a matcher counts the open connections of a source (`concurrent`).
    public var countsConnections: Bool { matchers.contains(where: \.countsConnections) }

    /// `true` when the rule still applies at `now`.
    public func isLive(at now: Moment) -> Bool {
        if case .at(let end) = expires { return now < end }
        return true
    }
}
