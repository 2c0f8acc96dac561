/// What a rule does with the requests it matches.
public enum RuleAction: Hashable, Sendable {
    /// Decide: accept, reject (with a mode and a message) or defer.
    case decide(Decision)
    /// Leave it to an operator (or the pending timeout).
    case ask

    /// The verdict a match gives.
    var verdict: ConditionOutcome.Verdict {
        switch self {
        case .decide(let decision): .decided(decision)
        case .ask: .ask
        }
    }

    /// `accept`, `reject`, `reset`, `defer 30s` or `ask`.
    public var name: String {
        switch self {
        case .decide(let decision): decision.description
        case .ask: "ask"
        }
    }
}
