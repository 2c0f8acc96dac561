/// How the conditions left a request the last time they were evaluated, so that caller data
/// arriving later (or the end of the inspect delay) can evaluate them again, a bounded number of
/// times.
struct RuleStanding: Hashable, Sendable {
    /// A rule waits for caller data.
    var waiting: Bool
    /// A rule or the default decided: nothing to evaluate again.
    var decided: Bool
    /// How many outcomes the evaluation left (more means an operator acted since).
    var outcomeCount: Int
    /// How many caller-data bytes it saw, and what they told.
    var evaluatedBytes: Int
    var facts: CallerData.Facts
    /// What the request was counted for: each rule's counters and rates count it once.
    var tally: RequestTally
}

extension Request {
    /// `true` while a rule waits for this request's caller data.
    var isWaitingForRules: Bool {
        state == .pending && decider == nil && ruleStanding?.waiting == true
    }
}

extension CallerData {
    /// What rules can read from the data: evaluation runs again when it changes.
    struct Facts: Hashable, Sendable {
        var tls: Bool
        var http: Bool
        var httpHost: Bool
        var httpComplete: Bool
        var full: Bool
    }

    var facts: Facts {
        Facts(
            tls: preview.tls != nil, http: preview.http != nil, httpHost: preview.http?.host != nil,
            httpComplete: preview.http?.isComplete == true, full: isFull)
    }
}

extension ProviderCore {
    /// Evaluates the remembered decisions, then the rules, then the default (the `[default]`
    /// action, or the policy), and applies what decided, to a request taken out of the queue.
    /// The outcomes replace those of an earlier evaluation of the same request.
    mutating func evaluateConditions(_ request: inout Request, at now: Moment, into output: inout ProviderOutput) {
        guard !request.isAwaitingProxyHeader else { return }
        let id = request.id
        let rules = rules(for: request.listener)
        let inspectEnd = request.arrivedAt + rules.inspectDelay
        let mayWait = !request.callerFinishedSending && now < inspectEnd
        var tally = request.ruleStanding?.tally ?? RequestTally()
        var evaluation = RuleEvaluation()
        // Without rules or remembered decisions, the default decides: no context to build.
        if !remembered.rules.isEmpty || !rules.rules.isEmpty {
            let context = RuleContext(
                request: id, listener: request.listener, listenerEndpoint: listeners[request.listener.index].endpoint,
                local: request.local, source: request.source, data: request.callerData,
                dataIsFinal: request.callerFinishedSending, localTime: localTime(now),
                connectionsFromSource: connectionsBySource[request.source] ?? 1, now: now)
            evaluation = remembered.evaluate(context, mayWait: mayWait, tally: &tally, state: &ruleState)
            if case .noMatch = evaluation.result {
                let byRules = rules.evaluate(context, mayWait: mayWait, tally: &tally, state: &ruleState)
                evaluation.result = byRules.result
                evaluation.outcomes += byRules.outcomes
            }
        }
        var outcomes = evaluation.outcomes
        var decision: (Decision, Decider)?
        var waiting = false
        switch evaluation.result {
        case .matched(let rule):
            if case .decide(let chosen) = rule.action { decision = (chosen, .rule(rule.name)) }
        case .waiting:
            waiting = true
            if request.ruleStanding?.waiting != true {
                deadlines.insert(Deadline(at: inspectEnd, id: id, kind: .inspectEnd))
            }
        case .noMatch:
            let fallback = defaultOutcome(for: request.listener, at: now)
            outcomes.append(fallback.outcome)
            decision = fallback.decision
        }
        let standing = RuleStanding(
            waiting: waiting, decided: decision != nil, outcomeCount: outcomes.count,
            evaluatedBytes: request.callerData.bytes.count, facts: request.callerData.facts, tally: tally)
        request.outcomes = outcomes
        request.ruleStanding = standing
        publish(.evaluated, request, at: now, into: &output)
        if let (chosen, decider) = decision { apply(chosen, to: &request, by: decider, at: now, into: &output) }
    }

    /// The `[default]` action of the rules file, else the listener's policy.
    private func defaultOutcome(
        for listener: ListenerID, at now: Moment
    ) -> (outcome: ConditionOutcome, decision: (Decision, Decider)?) {
        let rules = rules(for: listener)
        guard let action = rules.defaultAction else {
            let settings = configuration(for: listener)
            let outcome = settings.policy.outcome(rejection: settings.defaultRejection, at: now)
            guard case .decided(let decision) = outcome.verdict else { return (outcome, nil) }
            return (outcome, (decision, .policy))
        }
        let reason = rules.rules.isEmpty ? "[default] of the rules file" : "no rule matched"
        let outcome = ConditionOutcome(condition: "default", verdict: action.verdict, reason: reason, at: now)
        guard case .decide(let decision) = action else { return (outcome, nil) }
        return (outcome, (decision, .rule("default")))
    }

    /// The rules `listener`'s requests are tested with: its own file's, else the rules file's.
    public func rules(for listener: ListenerID) -> RuleSet {
        listenerRules[listener] ?? rules
    }

    /// The names of every rule in force, whose counters and rates are kept.
    private var ruleNames: Set<String> {
        Set(rules.rules.map(\.name) + remembered.rules.map(\.name) + listenerRules.values.flatMap { $0.rules.map(\.name) })
    }

    /// `true` when caller data that just arrived may change what the rules say: a rule needs
    /// data, nobody has decided, and the data tells something new (a parsed ClientHello or HTTP
    /// head, or twice the bytes of the last evaluation: at most a dozen evaluations a request).
    func needsEvaluation(_ request: Request) -> Bool {
        guard rules(for: request.listener).needsData || remembered.needsData, request.state == .pending, request.decider == nil,
              let standing = request.ruleStanding, !standing.decided,
              standing.outcomeCount == request.outcomes.count
        else { return false }
        let data = request.callerData
        return data.facts != standing.facts || data.bytes.count >= 2 * max(1, standing.evaluatedBytes)
    }
}

// MARK: Changing the conditions

extension ProviderCore {
    /// Puts `newRules` in force at once: the next evaluation uses them. Requests already pending
    /// keep what the old rules said unless `applyPending`, which evaluates every undecided one
    /// again (an operator's decision is never undone).
    public mutating func replaceRules(
        _ newRules: RuleSet, file: String? = nil, applyPending: Bool, at now: Moment
    ) -> ProviderOutput {
        rules = newRules
        ruleState.keep(only: ruleNames)
        var output = ProviderOutput()
        var reevaluated = 0
        if applyPending {
            for request in pendingRequests where request.state == .pending && request.decider == nil {
                changeLive(request.id) { core, request in
                    request.ruleStanding = nil
                    core.evaluateConditions(&request, at: now, into: &output)
                }
                reevaluated += 1
            }
        }
        output.events.append(.rules(RulesEvent(
            kind: .reloaded(rules: newRules.rules.count, reevaluated: reevaluated), file: file, at: now)))
        return output
    }

    /// Publishes that a new rules file was refused (the old rules stay).
    public mutating func rulesRefused(_ reason: String, file: String?, at now: Moment) -> ProviderOutput {
        var output = ProviderOutput()
        output.events.append(.rules(RulesEvent(kind: .refused(reason: reason), file: file, at: now)))
        return output
    }

    /// Adds a remembered decision, tested before the rules; one of the same name is replaced.
    /// Expired ones are dropped on the way.
    public mutating func remember(_ rule: Rule, at now: Moment) -> ProviderOutput {
        let kept = remembered.rules.filter { $0.name != rule.name && $0.isLive(at: now) }
        remembered = RuleSet(rules: kept + [rule], recordsMisses: false)
        var output = ProviderOutput()
        output.events.append(.rules(RulesEvent(kind: .remembered(rule), at: now)))
        return output
    }

    /// Removes a remembered decision; `nil` when there is none of that name.
    public mutating func forget(_ name: String, at now: Moment) -> ProviderOutput? {
        guard remembered.rules.contains(where: { $0.name == name }) else { return nil }
        remembered = RuleSet(rules: remembered.rules.filter { $0.name != name && $0.isLive(at: now) }, recordsMisses: false)
        ruleState.keep(only: ruleNames)
        var output = ProviderOutput()
        output.events.append(.rules(RulesEvent(kind: .forgotten(name: name), at: now)))
        return output
    }

    /// Puts each listener's own rules in force (those of `sets`; the others are tested with the
    /// rules file's): the next evaluation uses them.
    public mutating func replaceListenerRules(_ sets: [ListenerID: RuleSet]) {
        listenerRules = sets
        ruleState.keep(only: ruleNames)
    }

    /// Replaces every remembered decision (as read back from their file at start).
    public mutating func restoreRemembered(_ rules: [Rule]) {
        remembered = RuleSet(rules: rules, recordsMisses: false)
    }
}
