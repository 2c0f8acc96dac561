extension Policy {
    /// The outcome of the policy as the last condition of every request.
    func outcome(rejection: Rejection, at now: Moment) -> ConditionOutcome {
        switch self {
        case .ask:
            ConditionOutcome(condition: "policy", verdict: .ask, reason: "--policy ask: waiting for an operator", at: now)
        case .accept:
            ConditionOutcome(condition: "policy", verdict: .decided(.accept), reason: "--policy accept", at: now)
        case .reject:
            ConditionOutcome(condition: "policy", verdict: .decided(.reject(rejection)), reason: "--policy reject", at: now)
        }
    }
}

extension Decider {
    /// The condition name under which a decision by this decider is recorded: its kind, or the
    /// rule's name.
    var conditionName: String {
        if case .rule(let name) = self { return name }
        return kind
    }

    /// The kind of decider, one word: `policy`, `rule`, `operator`, `timeout`, `shutdown`,
    /// `upstream`, `overflow`, `proxy-protocol` (the journal's `decider_kind`, the metrics'
    /// `decided_by`).
    public var kind: String {
        switch self {
        case .policy: "policy"
        case .rule: "rule"
        case .operator: "operator"
        case .timeout: "timeout"
        case .shutdown: "shutdown"
        case .upstream: "upstream"
        case .overflow: "overflow"
        case .proxyProtocol: "proxy-protocol"
        }
    }
}
