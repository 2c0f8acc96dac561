import UsherCore

/// A rule on the wire, with its counters: what `usher rules ls` shows.
public struct WireRule: Hashable, Sendable, Codable {
    public var name: String
    /// `accept`, `reject`, `reset`, `defer 30s`, `ask`.
    public var action: String
    /// Each matcher as a person reads it: `peer 10.0.0.0/8`, `sni canary.*.example.com`.
    public var matchers: [String]
    /// Where it was written: `rules.toml:12`.
    public var origin: String?
    /// A remembered decision's end: a time, or `restart`; `nil` when it does not expire.
    public var expires: String?
    public var evaluated: UInt64
    public var matched: UInt64
    public var lastMatch: String?

    enum CodingKeys: String, CodingKey {
        case name, action, matchers, origin, expires, evaluated, matched
        case lastMatch = "last_match"
    }

    public init(_ rule: Rule, counters: RuleCounters?, clock: WireClock) {
        name = rule.name
        action = rule.action.name
        matchers = rule.matchers.map(\.description)
        origin = rule.origin
        switch rule.expires {
        case .at(let moment)?: expires = clock.text(moment)
        case .restart?: expires = "restart"
        case nil: expires = nil
        }
        evaluated = counters?.evaluated ?? 0
        matched = counters?.matched ?? 0
        lastMatch = counters?.lastMatch.map(clock.text)
    }
}

/// The conditions in force: remembered decisions (tested first), the rules, the default.
public struct WireRules: Hashable, Sendable, Codable {
    /// The rules file, if the daemon has one.
    public var file: String?
    public var remembered: [WireRule]
    public var rules: [WireRule]
    /// The `[default]` action, or `policy ask` (…) when the policy decides.
    public var fallback: String
    public var inspectDelayMs: Int64

    enum CodingKeys: String, CodingKey {
        case file, remembered, rules
        case fallback = "default"
        case inspectDelayMs = "inspect_delay_ms"
    }

    public init(file: String?, remembered: [WireRule], rules: [WireRule], fallback: String, inspectDelayMs: Int64) {
        self.file = file
        self.remembered = remembered
        self.rules = rules
        self.fallback = fallback
        self.inspectDelayMs = inspectDelayMs
    }
}

/// A `rules` event: the rules reloaded, a reload refused, a decision remembered or forgotten.
public struct WireRulesChange: Hashable, Sendable, Codable {
    /// `reloaded`, `refused`, `remembered`, `forgotten`.
    public var change: String
    public var file: String?
    /// After a reload: how many rules are in force, and how many pending requests were
    /// evaluated again.
    public var rules: Int?
    public var reevaluated: Int?
    /// Why a reload was refused.
    public var reason: String?
    /// The remembered decision added, or the name of the one removed.
    public var rule: WireRule?
    public var name: String?

    public init(_ event: RulesEvent, clock: WireClock) {
        change = event.kind.name
        file = event.file
        switch event.kind {
        case .reloaded(let count, let again):
            rules = count
            reevaluated = again
        case .refused(let why): reason = why
        case .remembered(let added):
            rule = WireRule(added, counters: nil, clock: clock)
            name = added.name
        case .forgotten(let removed): name = removed
        }
    }
}
