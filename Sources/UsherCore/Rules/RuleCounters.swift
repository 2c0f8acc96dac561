/// How often a rule was tested and matched, and when it last matched.
public struct RuleCounters: Hashable, Sendable {
    public var evaluated: UInt64 = 0
    public var matched: UInt64 = 0
    public var lastMatch: Moment?

    public init(evaluated: UInt64 = 0, matched: UInt64 = 0, lastMatch: Moment? = nil) {
        self.evaluated = evaluated
        self.matched = matched
        self.lastMatch = lastMatch
    }
}

/// What evaluating rules remembers between requests: counters and rate windows, by rule name,
/// so that a reload keeps both for the rules it keeps.
public struct RuleState: Sendable {
    public private(set) var counters: [String: RuleCounters] = [:]
    var rates: [String: RateWindows] = [:]

    public init() {}

    /// Counts a test of `rule` against a request, once per request however often it is tested.
    mutating func record(_ rule: String, matched: Bool, at now: Moment, tally: inout RequestTally) {
        if tally.tested.insert(rule).inserted { counters[rule, default: RuleCounters()].evaluated += 1 }
        guard matched else { return }
        counters[rule, default: RuleCounters()].lastMatch = now
        if tally.matched.insert(rule).inserted { counters[rule, default: RuleCounters()].matched += 1 }
    }

    /// Forgets what belongs to rules no longer in `names`.
    mutating func keep(only names: Set<String>) {
        counters = counters.filter { names.contains($0.key) }
        rates = rates.filter { names.contains($0.key) }
    }
}
