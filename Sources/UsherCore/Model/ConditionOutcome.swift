/// The result of one condition for one request, with its reason, as the detail pane shows it.
public struct ConditionOutcome: Hashable, Sendable, Codable {
    /// The verdict a condition can give: a decision, or none (keep waiting).
    public enum Verdict: Hashable, Sendable, Codable {
        case decided(Decision)
        /// No decision: the request waits for an operator (or its timeout).
        case ask
        /// The condition does not apply to this request.
        case noMatch
        /// The condition needs caller data that has not arrived yet (within the inspect delay).
        case waitingForData
    }

    /// The condition's name: `policy`, a rule name, `operator`, `timeout`…
    public var condition: String
    public var verdict: Verdict
    /// Why, in words: `--policy accept`, `pid 4411`, `pending 60s`…
    public var reason: String
    public var at: Moment

    public init(condition: String, verdict: Verdict, reason: String, at: Moment) {
        self.condition = condition
        self.verdict = verdict
        self.reason = reason
        self.at = at
    }
}

extension ConditionOutcome.Verdict: CustomStringConvertible {
    public var description: String {
        switch self {
        case .decided(let decision): decision.description
        case .ask: "ask"
        case .noMatch: "no match"
        case .waitingForData: "waiting for data"
        }
    }
}
