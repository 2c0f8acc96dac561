import Foundation
import Logging
import NIOConcurrencyHelpers
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
/// let guard = try await Guard.start(GuardConfiguration(ports: [8080]), on: group, logger: logger)
/// // … later
/// await guard.shutdown()
/// ```
public final class Guard: Provider {
    /// The configuration the guard started with.
    public let configuration: GuardConfiguration
    /// The netfilter queue it holds SYNs in.
    public let queue: UInt16
    /// The firewall chain that sends SYNs there.
    public let firewall: GuardFirewall

    private let socket: NFQueueSocket
    private let driver: GuardDriver
    private let fanout: EventFanout
    private let sweep: RepeatedTask
    private let reading: NIOLockedValueBox<Bool>
    private let readerDone: DispatchSemaphore
    private let logger: Logger

    private init(
        configuration: GuardConfiguration, socket: NFQueueSocket, firewall: GuardFirewall, driver: GuardDriver,
        fanout: EventFanout, sweep: RepeatedTask, reading: NIOLockedValueBox<Bool>, readerDone: DispatchSemaphore, logger: Logger
    ) {
        self.configuration = configuration
        self.queue = socket.queue
        self.socket = socket
        self.firewall = firewall
        self.driver = driver
        self.fanout = fanout
        self.sweep = sweep
        self.reading = reading
        self.readerDone = readerDone
        self.logger = logger
    }

    /// Removes the chains of guards that died, binds a queue, installs this guard's chain and
    /// starts holding SYNs; on any failure nothing stays installed.
    public static func start(
        _ configuration: GuardConfiguration, on group: any EventLoopGroup, logger: Logger
    ) async throws(NetfilterError) -> Guard {
        for chain in GuardFirewall.removeStale() {
            logger.notice("removed a stale guard chain", metadata: ["chain": "\(chain)", "note": "its usher is gone"])
        }
        let socket = try NFQueueSocket(
            range: configuration.queueRange,
            maximumLength: UInt32(clamping: configuration.provider.maxPending * configuration.ports.count + 1024),
            failOpen: configuration.failOpen)
        let mark = rejectMark
        let fanout = EventFanout(logger: logger, round: configuration.eventRound)
        var provider = configuration.provider
        provider.maxConnections = nil
        let core = ProviderCore(
            configuration: provider, listeners: configuration.listeners, rules: configuration.rules, localTime: LocalClock.now)
        let driver = GuardDriver(core: core, ports: configuration.ports, rejectWith: configuration.rejectWith, events: fanout) { verdict in
            switch verdict.verdict {
            case .accept: socket.verdict(.accept, packet: verdict.packet)
            case .refuse: socket.verdict(.repeat, packet: verdict.packet, mark: mark)
            case .drop: socket.verdict(.drop, packet: verdict.packet)
            }
        }
        Gate.addObservers(to: fanout, listeners: configuration.listeners.map(\.endpoint), logger: logger, observer: nil)
        let firewall: GuardFirewall
        do {
            firewall = try GuardFirewall.install(
                ports: configuration.ports, address: configuration.address, queue: socket.queue, rejectMark: mark,
                failOpen: configuration.failOpen)
        } catch {
            socket.unbind()
            throw error
        }
        let reading = NIOLockedValueBox(true)
        let readerDone = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { readerDone.signal() }
            while reading.withLockedValue({ $0 }) {
                do {
                    for packet in try socket.receive() { driver.received(packet) }
                } catch {
                    logger.error("the netfilter queue cannot be read", metadata: ["error": "\(error)"])
                    return
                }
            }
        }
        reader.name = "usher-guard"
        reader.start()
        let sweep = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            driver.sweep()
        }
        return Guard(
            configuration: configuration, socket: socket, firewall: firewall, driver: driver, fanout: fanout, sweep: sweep,
            reading: reading, readerDone: readerDone, logger: logger)
    }

    /// The mark a refused SYN is sent through the hook again with: the chain's first rule
    /// answers it with a reset. One per daemon.
    static var rejectMark: UInt32 { 0x7500_0000 | (UInt32(truncatingIfNeeded: getpid()) & 0x00FF_FFFF) }

    /// Stops gracefully: every undecided request gets the timeout action, the chain is removed
    /// (from then on SYNs reach the servers unguarded), the queue is unbound; returns once the
    /// observers have had every event.
    public func shutdown() async {
        driver.shutDown()
        firewall.remove()
        reading.withLockedValue { $0 = false }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = self.readerDone.wait(timeout: .now() + 2)
                continuation.resume()
            }
        }
        driver.shutDown()
        sweep.cancel()
        socket.unbind()
        logger.info("guard chain removed", metadata: ["chain": "\(firewall.chain)", "queue": "\(queue)"])
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
