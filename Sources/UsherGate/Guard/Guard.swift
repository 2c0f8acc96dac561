import Foundation
import Logging
import NIOCore
import UsherCore
import UsherKernel

/// A running guard: usher's provider core at the door of unmodified servers. Each SYN to a
/// guarded port waits in netfilter's queue, unanswered, until a condition, an operator or the
/// pending timeout decides: the client's `connect()` blocks meanwhile. Accepted, the SYN goes
/// on and the server's kernel completes the handshake as usual; rejected, the client gets a
/// reset (connection refused) or nothing at all. No proxy sits on the data path.
///
/// ```swift
/// let guarding = try await Guard.start(GuardConfiguration(ports: [8080]), on: group, logger: logger)
/// // … later
/// await guarding.shutdown()
/// ```
public final class Guard: Provider {
    /// The configuration the guard started with.
    public let configuration: GuardConfiguration
    /// The netfilter queue it holds SYNs in.
    public var queue: UInt16 { doorway.socket.queue }
    /// The firewall chain that sends SYNs there.
    public var firewall: GuardFirewall { doorway.firewall }
    /// Each guarded port's name (`*:8080`), by listener index.
    public let listenerNames: ListenerNames

    private let driver: GuardDriver
    private let doorway: GuardDoorway
    private let fanout: EventFanout

    private init(configuration: GuardConfiguration, driver: GuardDriver, doorway: GuardDoorway, fanout: EventFanout, names: ListenerNames) {
        self.configuration = configuration
        self.listenerNames = names
        self.driver = driver
        self.doorway = doorway
        self.fanout = fanout
    }

    /// Removes the chains of guards that died, binds a queue, installs this guard's chain and
    /// starts holding SYNs; on any failure nothing stays installed.
    public static func start(
        _ configuration: GuardConfiguration, on group: any EventLoopGroup, logger: Logger
    ) async throws(NetfilterError) -> Guard {
        let socket = try GuardDoorway.openQueue(configuration, logger: logger)
        let door = GuardDoorway.door(for: configuration, firstListener: 0, socket: socket)
        let fanout = EventFanout(logger: logger, round: configuration.eventRound)
        var provider = configuration.provider
        provider.maxConnections = nil
        let core = ProviderCore(
            configuration: provider, listeners: configuration.listeners, rules: configuration.rules, localTime: LocalClock.now)
        let driver = GuardDriver(core: core, door: door, events: fanout)
        let names = ListenerNames(configuration.listeners.map(\.endpoint.description))
        Gate.addObservers(to: fanout, names: names, logger: logger, observer: nil)
        let doorway = try GuardDoorway.start(configuration, socket: socket, door: door, host: driver, on: group, logger: logger)
        return Guard(configuration: configuration, driver: driver, doorway: doorway, fanout: fanout, names: names)
    }

    /// Stops gracefully: every undecided request gets the timeout action, the chain is removed
    /// (from then on SYNs reach the servers unguarded), the queue is unbound; returns once the
    /// observers have had every event.
    public func shutdown() async {
        driver.shutDown()
        await doorway.close()
        driver.shutDown()  // those that arrived meanwhile
        await fanout.flush()
    }

    // MARK: Provider

    public var providerConfiguration: ProviderConfiguration { driver.readCore { $0.configuration } }

    public func snapshot(includingPending: Bool = true) -> GateSnapshot {
        driver.snapshot(includingPending: includingPending)
    }

    public func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String? = nil, extendingTimeout: Bool = false
    ) throws(LifecycleError) {
        try driver.decide(id, decision, by: decider, reason: reason, extendingTimeout: extendingTimeout)
    }

    public func rulesInForce() -> RulesInForce { driver.rulesInForce() }

    public func replaceRules(_ rules: RuleSet, file: String?, applyPending: Bool) {
        driver.replaceRules(rules, file: file, applyPending: applyPending)
    }

    public func refuseRules(reason: String, file: String?) { driver.refuseRules(reason: reason, file: file) }

    public func remember(_ rule: Rule) { driver.remember(rule) }

    public func forget(_ name: String) -> Bool { driver.forget(name) }

    public func observe(_ observer: @escaping @Sendable (GateEvent) -> Void, demand: EventDemand) {
        fanout.add(observer, demand: demand)
    }

    /// A request in the queue or recently finished, as it is now.
    public func request(_ id: RequestID) -> Request? { driver.readCore { $0.request(id) } }
}
