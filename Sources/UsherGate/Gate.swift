import Logging
import NIOCore
import UsherCore
import UsherKernel

/// A running gate: usher's provider core in front of one or more TCP listeners.
///
/// Every connection the kernel completes waits in the pending queue until a condition (the
/// policy), an operator (``decide(_:_:by:reason:)``) or the pending timeout decides; accepted
/// connections are proxied to the upstream.
///
/// ```swift
/// let gate = try await Gate.start(GateConfiguration(), on: group, logger: logger)
/// // … later
/// await gate.shutdown()
/// ```
public final class Gate: Provider {
    /// The bound address of each listener, by ``ListenerID`` index.
    public let listenerAddresses: [SocketAddress]
    /// Where accepted connections go (the demo upstream's address when none was configured).
    public let upstreamAddress: SocketAddress
    /// The configuration the gate started with.
    public let configuration: GateConfiguration

    private let engine: Engine
    private let fanout: EventFanout
    /// Each listener's name (its bound address), by index, the guarded ports' after them; a
    /// reloaded configuration adds names.
    public let listenerNames: ListenerNames
    /// The ports guarded beside the listeners, when ``GateConfiguration/guarded`` names some.
    private let doorway: GuardDoorway?

    /// The firewall chain of the ports guarded beside the listeners.
    public var guardFirewall: GuardFirewall? { doorway?.firewall }
    private let demo: DemoUpstream?
    private let group: any EventLoopGroup
    let logger: Logger

    /// What holds the connections: SwiftNIO's channels, or the data plane's own loop.
    private enum Engine: Sendable {
        case swiftNIO(GateDriver, serverChannels: [any Channel])
        case epoll(EpollEngine)
    }

    private init(
        configuration: GateConfiguration, listenerAddresses: [SocketAddress], upstreamAddress: SocketAddress,
        engine: Engine, fanout: EventFanout, names: ListenerNames, doorway: GuardDoorway? = nil, demo: DemoUpstream?, group: any EventLoopGroup,
        logger: Logger
    ) {
        self.listenerNames = names
        self.doorway = doorway
        self.configuration = configuration
        self.listenerAddresses = listenerAddresses
        self.upstreamAddress = upstreamAddress
        self.engine = engine
        self.fanout = fanout
        self.demo = demo
        self.group = group
        self.logger = logger
    }

    /// Binds every listener and starts accepting once all are bound; on any failure nothing
    /// stays open.
    ///
    /// - Parameters:
    ///   - logger: receives the gate's own messages and one line per lifecycle event.
    ///   - observer: also receives every event, in order, before accepting starts.
    public static func start(
        _ configuration: GateConfiguration, on group: any EventLoopGroup, logger: Logger,
        observer: (@Sendable (GateEvent) -> Void)? = nil
    ) async throws(GateError) -> Gate {
        let listenAddresses = try configuration.listeners.map { listener throws(GateError) in
            try listener.endpoint.resolved(role: "listen address")
        }
        try checkNoLoop(configuration, listening: listenAddresses)
        if configuration.dataPath != .epoll {
            if configuration.guarded != nil { throw .needsDataPlane("--guard beside --listen") }
            if configuration.listeners.contains(where: { $0.inheritedDescriptor != nil }) { throw .needsDataPlane("a socket from systemd") }
            if configuration.listeners.contains(where: { $0.upstream != nil }) { throw .needsDataPlane("an upstream per listener") }
            if configuration.takingOver != nil { throw .needsDataPlane("taking over from a running usher") }
        }
        var configuration = configuration
        configuration.provider.maxConnections = try fittedMaxConnections(configuration)
        let (upstream, demo) = try await startUpstream(configuration, group: group, logger: logger)
        let fanout = EventFanout(logger: logger, round: configuration.eventRound)
        var core = ProviderCore(
            configuration: configuration.provider, listeners: configuration.listeners + (configuration.guarded?.listeners ?? []),
            rules: configuration.rules, localTime: LocalClock.now)
        core.replaceListenerRules(listenerRules(configuration.listeners.enumerated().map { (ListenerID($0.offset), $0.element) }, from: configuration.listenerRuleSets))
        if configuration.dataPath == .epoll {
            return try await startOnDataPlane(
                configuration, core: core, listening: listenAddresses, upstream: upstream, demo: demo, fanout: fanout,
                group: group, logger: logger, observer: observer)
        }
        let driver = GateDriver(
            core: core,
            connectUpstream: { loop, timeout in UpstreamConnector.connect(to: upstream, on: loop, timeout: timeout) },
            connectTimeout: configuration.connectTimeout,
            lingerTimeout: configuration.lingerTimeout, timerLoop: group.next(), events: fanout)
        let binder = ListenerBinder(group: group, driver: driver, logger: logger, somaxconn: configuration.somaxconn)
        let channels: [any Channel]
        do {
            channels = try await binder.bindAll(zip(configuration.listeners, listenAddresses))
        } catch {
            await demo?.close()
            throw error
        }
        let bound = zip(channels, listenAddresses).map { $0.localAddress ?? $1 }
        let endpoints = zip(bound, configuration.listeners).map { Endpoint($0) ?? $1.endpoint }
        for (index, endpoint) in endpoints.enumerated() {
            let backlog = Backlog(requested: configuration.listeners[index].backlog, somaxconn: binder.somaxconn)
            driver.listener(ListenerID(index), isBoundTo: endpoint, backlog: backlog.effective)
        }
        let names = ListenerNames(endpoints.map(\.description))
        addObservers(to: fanout, names: names, logger: logger, observer: observer)
        for channel in channels {
            try? await channel.setOption(.autoRead, value: true).get()
        }
        return Gate(
            configuration: configuration, listenerAddresses: bound, upstreamAddress: upstream,
            engine: .swiftNIO(driver, serverChannels: channels), fanout: fanout, names: names, demo: demo, group: group, logger: logger)
    }

    /// The log's observer, then the caller's, before accepting starts.
    static func addObservers(
        to fanout: EventFanout, names: ListenerNames, logger: Logger, observer: (@Sendable (GateEvent) -> Void)?
    ) {
        let eventLog = EventLog(logger: logger, listenerNames: names)
        fanout.add({ eventLog.record($0.event) }, demand: EventDemand(eventLog.interest))
        if let observer { fanout.add(observer) }
    }

    /// ``start(_:on:logger:observer:)`` with the connections on the data plane's own loop.
    private static func startOnDataPlane(
        _ configuration: GateConfiguration, core: ProviderCore, listening: [SocketAddress], upstream: SocketAddress,
        demo: DemoUpstream?, fanout: EventFanout, group: any EventLoopGroup, logger: Logger,
        observer: (@Sendable (GateEvent) -> Void)?
    ) async throws(GateError) -> Gate {
        var queue: NFQueueSocket?
        do {
            guard let upstreamEndpoint = Endpoint(upstream) else { throw GateError.demoUpstreamFailed(reason: "it has no address") }
            var door: GuardDoor?
            if let guarded = configuration.guarded {
                let socket = try GuardDoorway.openQueue(guarded, logger: logger)
                queue = socket
                door = GuardDoorway.door(for: guarded, firstListener: configuration.listeners.count, socket: socket)
            }
            let listenerUpstreams = try configuration.listeners.map { listener throws(GateError) in try ownUpstream(of: listener) }
            let engine = try EpollEngine(
                core: core, threads: configuration.threads ?? System.coreCount, upstream: upstreamEndpoint,
                listenerUpstreams: listenerUpstreams, connectTimeout: configuration.connectTimeout,
                lingerTimeout: configuration.lingerTimeout, relayTimeouts: configuration.relayTimeouts, events: fanout, door: door, logger: logger)
            let requested = zip(configuration.listeners, listening).map { ($0, Endpoint($1) ?? $0.endpoint) }
            for (listener, _) in requested { logClamp(listener, somaxconn: configuration.somaxconn, logger: logger) }
            let endpoints: [Endpoint]
            var bound: [SocketAddress] = []
            do {
                endpoints = try await engine.bind(requested, somaxconn: configuration.somaxconn)
                for (index, endpoint) in endpoints.enumerated() {
                    let backlog = Backlog(requested: configuration.listeners[index].backlog, somaxconn: configuration.somaxconn)
                    engine.listener(ListenerID(index), isBoundTo: endpoint, backlog: backlog.effective)
                    logger.info("listening", metadata: ["listener": "\(endpoint)", "backlog": "\(backlog.effective)"])
                    bound.append(try SocketAddress(ipAddress: endpoint.host, port: endpoint.port))
                }
            } catch {
                // Nothing stays open, and the loops' threads end.
                await engine.stopListening()
                _ = await engine.drain(.zero)
                throw error
            }
            let guardedListeners = configuration.guarded?.listeners.map(\.endpoint) ?? []
            let names = ListenerNames((endpoints + guardedListeners).map(\.description))
            addObservers(to: fanout, names: names, logger: logger, observer: observer)
            var doorway: GuardDoorway?
            if let guarded = configuration.guarded, let socket = queue, let door {
                do {
                    doorway = try GuardDoorway.start(guarded, socket: socket, door: door, host: engine, on: group, logger: logger)
                    queue = nil
                } catch {
                    await engine.stopListening()
                    _ = await engine.drain(.zero)
                    throw error
                }
            }
            if let takeOver = configuration.takingOver {
                let map = takeOver.listenerIndex
                await engine.adopt(takeOver.handOver, listener: { ListenerID(map[$0] ?? $0) }, names: { names[$0] })
                await engine.closeListeners(takeOver.closing.map(ListenerID.init))
            }
            await engine.startAccepting()
            return Gate(
                configuration: configuration, listenerAddresses: bound, upstreamAddress: upstream, engine: .epoll(engine),
                fanout: fanout, names: names, doorway: doorway, demo: demo, group: group, logger: logger)
        } catch let error as GateError {
            queue?.unbind()
            await demo?.close()
            throw error
        } catch let error as NetfilterError {
            queue?.unbind()
            await demo?.close()
            throw .cannotGuard(error)
        } catch {
            queue?.unbind()
            await demo?.close()
            throw .cannotListen(configuration.listeners.first?.endpoint ?? Endpoint(host: "?", port: 0), reason: "\(error)")
        }
    }

    /// Logs a backlog the kernel caps at `somaxconn`.
    static func logClamp(_ listener: ListenerConfiguration, somaxconn: Int, logger: Logger) {
        let backlog = Backlog(requested: listener.backlog, somaxconn: somaxconn)
        guard backlog.isClamped else { return }
        logger.warning("backlog clamped", metadata: [
            "listener": "\(listener.endpoint)", "requested": "\(backlog.requested)",
            "effective": "\(backlog.effective)",
            "note": "the kernel caps listen() at net.core.somaxconn=\(somaxconn)",
        ])
    }

    /// Refuses an upstream that is one of the listeners (the same port on the same address, or on
    /// a wildcard listen address).
    static func checkNoLoop(
        _ configuration: GateConfiguration, listening addresses: [SocketAddress]
    ) throws(GateError) {
        var upstreams = configuration.listeners.compactMap { $0.upstream.map { ($0, "upstream of \($0)") } }
        if let upstream = configuration.upstream { upstreams.append((upstream, "upstream")) }
        for (upstreamEndpoint, role) in upstreams {
            let upstream = try upstreamEndpoint.resolved(role: role)
            for (listener, address) in zip(configuration.listeners, addresses) where address.port == upstream.port {
                let wildcard = address.ipAddress == "0.0.0.0" || address.ipAddress == "::"
                if wildcard || address.ipAddress == upstream.ipAddress {
                    throw .upstreamIsListener(upstream: upstreamEndpoint, listener: listener.endpoint)
                }
            }
        }
    }

    /// The connection limit: as configured, or fitted to the open-file limit when not given; a
    /// limit the descriptors cannot hold is refused with the numbers. See ``DescriptorBudget``.
    static func fittedMaxConnections(_ configuration: GateConfiguration) throws(GateError) -> Int? {
        let requested = configuration.provider.maxConnections
        guard let openFiles = configuration.openFileLimit else { return requested }
        let perConnection = configuration.upstream == nil ? 3 : 2
        let fitted = DescriptorBudget.maxConnections(openFileLimit: openFiles, descriptorsPerConnection: perConnection)
        guard let requested else { return fitted }
        guard requested <= fitted else {
            throw .tooManyConnections(requested: requested, possible: fitted, openFileLimit: openFiles, perConnection: perConnection)
        }
        return requested
    }

    private static func startUpstream(
        _ configuration: GateConfiguration, group: any EventLoopGroup, logger: Logger
    ) async throws(GateError) -> (SocketAddress, DemoUpstream?) {
        if let upstream = configuration.upstream {
            return (try upstream.resolved(role: "upstream"), nil)
        }
        let demo = try await DemoUpstream.start(on: group)
        guard let address = demo.address else {
            await demo.close()
            throw .demoUpstreamFailed(reason: "it has no address")
        }
        logger.info("demo upstream", metadata: [
            "address": "\(Endpoint(address) ?? Endpoint(host: "127.0.0.1", port: 0))",
            "note": "no --upstream given; accepted connections get a built-in HTTP 200 / echo answer",
        ])
        return (address, demo)
    }

    public var providerConfiguration: ProviderConfiguration {
        switch engine {
        case .swiftNIO(let driver, _): driver.readCore { $0.configuration }
        case .epoll(let engine): engine.readCore { $0.configuration }
        }
    }

    /// The epoll engine, for what only it can do (a reloaded configuration's listeners).
    var epollEngine: EpollEngine? {
        if case .epoll(let engine) = engine { return engine }
        return nil
    }

    /// Adds an observer of the later events `demand` asks for (and of those others asked for).
    /// Events arrive in the order they happened, one at a time; an observer may call back into
    /// the gate.
    public func observe(_ observer: @escaping @Sendable (GateEvent) -> Void, demand: EventDemand) {
        fanout.add(observer, demand: demand)
    }

    /// The counters, listeners and (unless `includingPending` is `false`, which is cheaper with
    /// many requests waiting) the pending requests now.
    public func rulesInForce() -> RulesInForce {
        switch engine {
        case .swiftNIO(let driver, _): driver.rulesInForce()
        case .epoll(let engine): engine.rulesInForce()
        }
    }

    public func replaceRules(_ rules: RuleSet, file: String?, applyPending: Bool) {
        switch engine {
        case .swiftNIO(let driver, _): driver.replaceRules(rules, file: file, applyPending: applyPending)
        case .epoll(let engine): engine.replaceRules(rules, file: file, applyPending: applyPending)
        }
    }

    public func refuseRules(reason: String, file: String?) {
        switch engine {
        case .swiftNIO(let driver, _): driver.refuseRules(reason: reason, file: file)
        case .epoll(let engine): engine.refuseRules(reason: reason, file: file)
        }
    }

    public func remember(_ rule: Rule) {
        switch engine {
        case .swiftNIO(let driver, _): driver.remember(rule)
        case .epoll(let engine): engine.remember(rule)
        }
    }

    public func forget(_ name: String) -> Bool {
        switch engine {
        case .swiftNIO(let driver, _): driver.forget(name)
        case .epoll(let engine): engine.forget(name)
        }
    }

    public func configuration(for listener: ListenerID) -> ProviderConfiguration {
        switch engine {
        case .swiftNIO(let driver, _): driver.readCore { $0.configuration(for: listener) }
        case .epoll(let engine): engine.readCore { $0.configuration(for: listener) }
        }
    }

    /// A request in the queue or recently finished, as it is now.
    public func request(_ id: RequestID) -> Request? {
        switch engine {
        case .swiftNIO(let driver, _): driver.readCore { $0.request(id) }
        case .epoll(let engine): engine.readCore { $0.request(id) }
        }
    }

    public func snapshot(includingPending: Bool = true) -> GateSnapshot {
        switch engine {
        case .swiftNIO(let driver, _): driver.snapshot(includingPending: includingPending)
        case .epoll(let engine): engine.snapshot(includingPending: includingPending)
        }
    }

    /// On the data plane, the connection objects its workers hold (one per client connection
    /// open); `nil` on SwiftNIO's channels.
    var dataPlaneConnectionObjects: Int? {
        guard case .epoll(let engine) = engine else { return nil }
        return engine.connectionObjects
    }

    /// Decides a pending or deferred request; `extendingTimeout` moves the pending timeout of a
    /// deferred one back by the deferral's length.
    public func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String? = nil, extendingTimeout: Bool = false
    ) throws(LifecycleError) {
        switch engine {
        case .swiftNIO(let driver, _): try driver.decide(id, decision, by: decider, reason: reason, extendingTimeout: extendingTimeout)
        case .epoll(let engine): try engine.decide(id, decision, by: decider, reason: reason, extendingTimeout: extendingTimeout)
        }
    }

    /// Stops gracefully: stops listening, applies the timeout action to every pending request,
    /// lets proxied connections finish for up to the drain timeout, then closes what is left;
    /// returns once the observers have had every event so far.
    public func shutdown() async {
        let left: Int
        switch engine {
        case .swiftNIO(let driver, let serverChannels): left = await shutdown(driver, serverChannels)
        case .epoll(let engine):
            await engine.stopListening()
            await doorway?.close()
            logStoppedListening(pending: engine.snapshot(includingPending: false).counters.pending)
            left = await engine.drain(configuration.drainTimeout)
        }
        if left > 0 {
            logger.warning("drain timeout passed", metadata: [
                "connections": "\(left)", "drain_timeout": "\(DurationText.format(configuration.drainTimeout))",
                "note": "closing the connections still open",
            ])
        }
        await demo?.close()
        await fanout.flush()
    }

    /// Ends the drain of a stop now: the proxied connections still open are closed (a second
    /// stop signal). On the epoll data path; the SwiftNIO path drains to its timeout.
    public func cutDrainShort() {
        if case .epoll(let engine) = engine { engine.cutDrainShort() }
    }

    private func logStoppedListening(pending: Int) {
        logger.info("stopped listening", metadata: [
            "pending": "\(pending)", "drain_timeout": "\(DurationText.format(configuration.drainTimeout))",
        ])
    }

    /// The SwiftNIO path's stop; how many connections were still open at the drain timeout.
    private func shutdown(_ driver: GateDriver, _ serverChannels: [any Channel]) async -> Int {
        for admission in driver.beginShutdown() {
            try? await admission.eventLoop.submit { admission.value.stopAccepting() }.get()
        }
        try? await withDeadline(.seconds(2), driver.allAttached())
        for channel in serverChannels { try? await channel.close() }
        driver.markDraining(until: .now + configuration.drainTimeout)
        logStoppedListening(pending: driver.snapshot().counters.pending)
        try? await withDeadline(configuration.drainTimeout, driver.allClosed())
        let left = driver.heldConnectionCount
        driver.closeAll()
        return left
    }

    /// Waits for `future`, or until `limit` has passed.
    private func withDeadline(_ limit: Duration, _ future: EventLoopFuture<Void>) async throws {
        let loop = future.eventLoop
        let promise = loop.makePromise(of: Void.self)
        let timer = loop.scheduleTask(in: limit.timeAmount) { promise.succeed() }
        future.cascade(to: promise)
        try await promise.futureResult.get()
        timer.cancel()
    }
}
