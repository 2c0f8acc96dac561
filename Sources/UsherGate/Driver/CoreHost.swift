import UsherCore

/// What holds the ``ProviderCore`` for a set of connections (``GateDriver`` on SwiftNIO,
/// ``EpollEngine`` on the data plane): it applies a step to the core under its lock and carries
/// out the output. The steps that concern the core alone (decisions, rules, snapshots) are
/// written once, here.
protocol CoreHost: Sendable {
    /// Applies `body` to the core under the lock; its output's events are published and its
    /// actions carried out once the lock is released.
    func stepCore<Result>(_ body: (inout ProviderCore) -> (Result, ProviderOutput)) -> Result
    /// ``stepCore(_:)`` for a step that may be refused; a refused step changes nothing.
    func tryStepCore<Result>(_ body: (inout ProviderCore) throws(LifecycleError) -> (Result, ProviderOutput)) throws(LifecycleError) -> Result
    /// Reads the core under the lock.
    func readCore<Result>(_ body: (ProviderCore) -> Result) -> Result
}

extension CoreHost {
    func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String?, extendingTimeout: Bool = false
    ) throws(LifecycleError) {
        try tryStepCore { core throws(LifecycleError) in
            ((), try core.decide(id, decision, by: decider, reason: reason, extendingTimeout: extendingTimeout, at: .now))
        }
    }

    func rulesInForce() -> RulesInForce {
        readCore { RulesInForce(remembered: $0.remembered, rules: $0.rules, counters: $0.ruleState.counters, at: .now) }
    }

    func replaceRules(_ rules: RuleSet, file: String?, applyPending: Bool) {
        stepCore { core in ((), core.replaceRules(rules, file: file, applyPending: applyPending, at: .now)) }
    }

    func refuseRules(reason: String, file: String?) {
        stepCore { core in ((), core.rulesRefused(reason, file: file, at: .now)) }
    }

    func remember(_ rule: Rule) {
        stepCore { core in ((), core.remember(rule, at: .now)) }
    }

    func forget(_ name: String) -> Bool {
        stepCore { core in
            guard let output = core.forget(name, at: .now) else { return (false, ProviderOutput()) }
            return (true, output)
        }
    }
}
