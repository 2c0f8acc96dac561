/// A running provider as the control plane and other observers see it: the gate today, the
/// guard later. Whatever holds the connections, operators see the same snapshot, decide the same
/// way and hear the same events.
///
/// The control server is written against this protocol only, so a new provider kind plugs in
/// without touching it.
public protocol Provider: AnyObject, Sendable {
    /// Policy, timeouts and limits in force (the connection limit as fitted at start).
    var providerConfiguration: ProviderConfiguration { get }

    /// The counters, listeners and (unless `includingPending` is `false`, which is cheaper with
    /// many requests waiting) the pending requests now.
    func snapshot(includingPending: Bool) -> GateSnapshot

    /// Decides a pending or deferred request; `extendingTimeout` moves the pending timeout of a
    /// deferred one back by the deferral's length.
    func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String?, extendingTimeout: Bool
    ) throws(LifecycleError)

    /// A request in the queue or recently finished, as it is now.
    func request(_ id: RequestID) -> Request?

    /// The configuration `listener` decides by: ``providerConfiguration`` with the listener's
    /// overrides (``ListenerOverrides``).
    func configuration(for listener: ListenerID) -> ProviderConfiguration

    /// The remembered decisions and rules in force, with their counters.
    func rulesInForce() -> RulesInForce

    /// Puts new rules in force between two requests; with `applyPending`, the undecided pending
    /// requests are evaluated again. Publishes a `rules` event.
    func replaceRules(_ rules: RuleSet, file: String?, applyPending: Bool)

    /// Publishes that a new rules file was refused: the old rules stay in force.
    func refuseRules(reason: String, file: String?)

    /// Remembers a decision as a rule tested before the rules file (a rule of the same name is
    /// replaced).
    func remember(_ rule: Rule)

    /// Forgets a remembered decision; `false` when there is none of that name.
    func forget(_ name: String) -> Bool

    /// Adds an observer of later events: of every event `demand` asks for while it holds, and
    /// of others that another observer asked for. Events arrive one at a time, in the order they
    /// happened, on the provider's event thread (never on an I/O thread); an observer may call
    /// back into the provider.
    func observe(_ observer: @escaping @Sendable (GateEvent) -> Void, demand: EventDemand)
}

extension Provider {
    /// ``providerConfiguration``, for a provider whose listeners all decide alike.
    public func configuration(for listener: ListenerID) -> ProviderConfiguration {
        providerConfiguration
    }

    /// Adds an observer of every later event.
    public func observe(_ observer: @escaping @Sendable (GateEvent) -> Void) {
        observe(observer, demand: .everything)
    }
}
