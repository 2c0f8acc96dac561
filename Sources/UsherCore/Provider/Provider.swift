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

    /// Decides a pending or deferred request.
    func decide(_ id: RequestID, _ decision: Decision, by decider: Decider, reason: String?) throws(LifecycleError)

    /// Adds an observer of every later event. Events arrive one at a time, in the order they
    /// happened, on the provider's event executor (never on an I/O thread); an observer may call
    /// back into the provider.
    func observe(_ observer: @escaping @Sendable (GateEvent) -> Void)
}
