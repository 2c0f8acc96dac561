/// Ordered rules, first match wins, and what happens when none matches.
///
/// Up to ``linearLimit`` rules are all tested in order, so that every one of them leaves an
/// outcome; a larger set finds its candidates through a ``RuleIndex`` and reports at most
/// ``outcomeLimit`` misses.
public struct RuleSet: Sendable {
    /// The most rules tested one by one; larger sets are indexed.
    public static let linearLimit = 64
    /// The most outcomes of rules that did not match kept for one request.
    public static let outcomeLimit = 64

    public let rules: [Rule]
    /// The `[default]` action; `nil` leaves the request to the `--policy`.
    public let defaultAction: RuleAction?
    /// How long a rule that needs caller data waits for it; zero decides on what has arrived.
    public let inspectDelay: Duration
    /// `false` for remembered decisions: thousands of them would bury the outcomes that matter.
    public let recordsMisses: Bool
    private let index: RuleIndex?

    /// No rules: every request goes to the default (the policy).
    public static let empty = RuleSet(rules: [])

    /// - Precondition: rule names are unique (the rules file reader refuses duplicates).
    public init(rules: [Rule], defaultAction: RuleAction? = nil, inspectDelay: Duration = .zero, recordsMisses: Bool = true) {
        self.rules = rules
        self.defaultAction = defaultAction
        self.inspectDelay = inspectDelay
        self.recordsMisses = recordsMisses
        index = rules.count > Self.linearLimit ? RuleIndex(rules) : nil
    }

    /// `true` when some rule looks at caller data: such a set is evaluated again as data arrives.
    public var needsData: Bool { rules.contains(where: \.needsData) }
    /// `true` when some rule counts the open connections of a source (`concurrent`).
    public var countsConnections: Bool { rules.contains(where: \.countsConnections) }

    public func rule(named name: String) -> Rule? { rules.first { $0.name == name } }

    /// Tests the rules against a request, first match wins.
    ///
    /// - Parameters:
    ///   - mayWait: a rule that needs caller data not yet there stops the evaluation and the
    ///     request waits for data; otherwise such a rule does not match.
    ///   - tally: what this request was already counted for, in earlier evaluations; updated.
    public func evaluate(
        _ context: RuleContext, mayWait: Bool, tally: inout RequestTally, state: inout RuleState
    ) -> RuleEvaluation {
        // No rules (no rules file, nothing remembered): nothing to read from the request.
        guard !rules.isEmpty else { return RuleEvaluation() }
        let facts = CallerFacts(context)
        let candidates = index?.candidates(context, facts, mayWait: mayWait) ?? Array(rules.indices)
        var evaluation = RuleEvaluation()
        var misses = 0
        for position in candidates where rules[position].isLive(at: context.now) {
            let rule = rules[position]
            let test = rule.test(context, facts, mayWait: mayWait, counted: tally.rated.contains(rule.name), state: &state)
            if test.countedRate { tally.rated.insert(rule.name) }
            state.record(rule.name, matched: test.failure == nil, at: context.now, tally: &tally)
            guard let (matcher, result) = test.failure else {
                let reason = rule.matchers.isEmpty
                    ? "every request"
                    : rule.matchers.map { $0.explain(.matched, context, facts, rates: state.rates[rule.name]) }.joined(separator: ", ")
                evaluation.outcomes.append(ConditionOutcome(condition: rule.name, verdict: rule.action.verdict, reason: reason, at: context.now))
                evaluation.result = .matched(rule)
                return evaluation
            }
            let reason = matcher.explain(result, context, facts, rates: state.rates[rule.name])
            if result == .waiting {
                evaluation.outcomes.append(ConditionOutcome(condition: rule.name, verdict: .waitingForData, reason: reason, at: context.now))
                evaluation.result = .waiting(rule)
                return evaluation
            }
            misses += 1
            if recordsMisses && misses <= Self.outcomeLimit {
                evaluation.outcomes.append(ConditionOutcome(condition: rule.name, verdict: .noMatch, reason: reason, at: context.now))
            }
        }
        if recordsMisses && misses > Self.outcomeLimit {
            evaluation.outcomes.append(ConditionOutcome(
                condition: "rules", verdict: .noMatch,
                reason: "\(misses - Self.outcomeLimit) more rules did not match", at: context.now))
        }
        return evaluation
    }

    /// Tests the rules against a request seen for the first time.
    public func evaluate(_ context: RuleContext, mayWait: Bool, state: inout RuleState) -> RuleEvaluation {
        var tally = RequestTally()
        return evaluate(context, mayWait: mayWait, tally: &tally, state: &state)
    }
}

/// What the rules made of one request: the deciding rule (or none) and an outcome per rule tested.
public struct RuleEvaluation: Sendable {
    public enum Result: Hashable, Sendable {
        /// This rule matched: its action applies.
        case matched(Rule)
        /// This rule needs caller data that has not arrived yet.
        case waiting(Rule)
        /// No rule matched: the default applies.
        case noMatch
    }

    public var result: Result = .noMatch
    public var outcomes: [ConditionOutcome] = []
}

extension Rule {
    /// The first matcher that did not match, and whether a rate counted the request.
    fileprivate func test(
        _ context: RuleContext, _ facts: CallerFacts, mayWait: Bool, counted: Bool, state: inout RuleState
    ) -> (failure: (Matcher, MatchResult)?, countedRate: Bool) {
        var rates = state.rates[name]
        defer { if rates != nil { state.rates[name] = rates } }
        var countedRate = false
        for matcher in matchers {
            if !counted, matcher.countsRequests { countedRate = true }
            var result = matcher.test(context, facts, rates: &rates, counted: counted)
            if result == .waiting && !mayWait { result = .failed }
            if result != .matched { return ((matcher, result), countedRate) }
        }
        return (nil, countedRate)
    }
}

extension Matcher {
    /// `true` for a rate (or a negated one): testing it counts the request.
    var countsRequests: Bool {
        switch self {
        case .rate: true
        case .not(let inner): inner.countsRequests
        default: false
        }
    }
}
