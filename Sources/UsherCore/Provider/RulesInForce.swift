/// The conditions a provider tests now: remembered decisions first, then the rules (and their
/// default), with every rule's counters.
public struct RulesInForce: Sendable {
    public var remembered: RuleSet
    public var rules: RuleSet
    public var counters: [String: RuleCounters]
    /// When it was read.
    public var at: Moment

    public init(remembered: RuleSet, rules: RuleSet, counters: [String: RuleCounters], at: Moment) {
        self.remembered = remembered
        self.rules = rules
        self.counters = counters
        self.at = at
    }
}
