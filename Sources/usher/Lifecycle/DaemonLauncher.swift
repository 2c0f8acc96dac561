import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UsherControl
import UsherCore
import UsherGate
import UsherKernel
import UsherRulesFile

/// What `usher serve` and `usher run` run: the gate (or with `--guard`, the guard), its control
/// socket and the sampler of the host's listeners, each a service of one service group.
struct Daemon: Sendable {
    let provider: DaemonProvider
    let control: ControlServer
    /// `nil` when the kernel refuses to tell (the daemon then runs without host data).
    let host: HostSamplerService?
    /// The rules file and the remembered decisions.
    let rules: RulesFileKeeper
    /// What the daemon tells its operators besides requests.
    let notices: NoticeBoard
    /// The sockets systemd passed (or, after a restart, passed the usher taken over from).
    let systemd: SystemdSockets
    /// `nil` with `--journal none`, or when it could not be opened.
    let journal: JournalService?
    /// `nil` without `--metrics`.
    let metrics: MetricsService?
    let logger: Logger

    /// The services in the order the group stops them in reverse: last listed, first stopped.
    /// The gate (or guard) stops first (stop listening, timeout actions, drain), so that control
    /// clients still hear every event, then the host's sampler, then the control socket says
    /// goodbye.
    var services: [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [any Service] = [ControlSocketService(control: control)]
        if let journal { services.append(journal) }
        if let metrics { services.append(metrics) }
        if let host { services.append(host) }
        services.append(provider.service(controlPath: control.path, logger: logger))
        return services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
    }
}

/// Starts what `usher serve` and `usher run` share, in order: the gate on its listeners, the
/// host's sampler, the control socket beside them. Failures become ``CommandFailure``s with the
/// contract's exit codes, and nothing stays open.
enum DaemonLauncher {
    /// `hostInterval` is how often the host's listeners are sampled; a host whose kernel cannot
    /// be read that way gets a warning and runs without.
    static func start(
        _ options: GateOptions, listenerTables: [ListenerTableOptions] = [], journal journalOptions: JournalOptions, metrics metricsOptions: MetricsOptions, notify: NotifyOptions,
        control: ControlOptions, observers: ObserverGroup?, controlLimits: ControlLimits = .standard, hostInterval: Duration,
        systemd: SystemdSockets = SystemdSockets.take(), configurationFile: String? = nil, takeOver: Bool = false, notifier: SystemdNotifier? = nil,
        group: MultiThreadedEventLoopGroup,
        logger: Logger
    ) async throws -> Daemon {
        OpenFileLimit.raiseToHardLimit()
        let predecessor = takeOver ? try predecessor(control: control.path, logger: logger) : nil
        let systemd = predecessor.map { systemd.sockets.isEmpty ? $0.systemdSockets : systemd } ?? systemd
        var configuration = try gateConfiguration(options, listenerTables: listenerTables, systemd: systemd)
        if let predecessor { configuration = predecessor.takingOver(configuration) }
        let started: DaemonProvider
        do {
            started = try await startProvider(
                options, configuration: configuration, guardsAlone: listenerTables.isEmpty, group: group, logger: logger)
        } catch {
            try? predecessor?.answer((error as? CommandFailure)?.message ?? "\(error)")
            throw error
        }
        let provider = started.provider
        let keeper = RulesFileKeeper(file: options.rules, rememberedFile: options.remembered, logger: logger)
        keeper.attach(provider)
        let host = sampleHost(every: hostInterval, logger: logger)
        host?.feed.observeViews(KernelQueueLog(provider: provider, logger: logger).observe)
        let metrics: MetricsService?
        do {
            metrics = try await MetricsService.start(metricsOptions, provider: provider, host: host?.feed, group: group, logger: logger)
        } catch {
            await started.shutdown()
            throw error
        }
        let notices = NoticeBoard()
        let journal = JournalService.start(
            journalOptions, provider: provider, listeners: started.listenerNames, notices: notices, logger: logger)
        do {
            if let predecessor { await took(over: predecessor, notifier: notifier, logger: logger) }
            let service = ControlService(
                provider: provider, version: Usher.version, host: host?.feed, rulesKeeper: keeper, notices: notices, journal: journal,
                configurationFile: configurationFile)
            let start = {
                try await ControlServer.start(
                    at: control.path, service: service, access: AccessPolicy(observerGroup: observers), group: group, logger: logger,
                    limits: controlLimits)
            }
            // After a hand-over every connection is here: the control socket is waited for (the
            // predecessor may be slow to let go of it), not given up at once.
            let server = predecessor == nil ? try await start() : try await Self.retrying(for: .seconds(60), start)
            startNotifying(notify, provider: provider, listeners: started.listenerNames, control: control.path, notices: notices, logger: logger)
            return Daemon(
                provider: started, control: server, host: host, rules: keeper, notices: notices, systemd: systemd, journal: journal, metrics: metrics,
                logger: logger)
        } catch {
            await metrics?.server.close()
            await journal?.recorder.writer.close()
            await started.shutdown()
            throw CommandFailure(String(describing: error), code: .runtime)
        }
    }

    /// The usher serving `control`, ready to hand over what it holds; `nil` when there is none
    /// (this one then starts as usual).
    private static func predecessor(control: String, logger: Logger) throws -> TakeOverClient? {
        do {
            guard let predecessor = try TakeOverClient.connect(control: control) else {
                logger.notice("nothing to take over", metadata: ["control": "\(control)", "note": "no usher serves it; starting as usual"])
                return nil
            }
            logger.notice("taking over", metadata: [
                "from": "\(predecessor.predecessor)", "listeners": "\(predecessor.listeners.count)",
                "pending": "\(predecessor.handOver.pending.count)", "proxied": "\(predecessor.handOver.proxied.count)",
            ])
            return predecessor
        } catch {
            throw CommandFailure("cannot take over from the usher serving \(control): \(error)", code: .runtime)
        }
    }

    /// `body`'s value, tried again every 100 ms while it fails, for up to `limit`.
    private static func retrying<Value>(for limit: Duration, _ body: () async throws -> Value) async throws -> Value {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Tells the predecessor this usher runs, and waits until it has let go of the control socket.
    private static func took(over predecessor: TakeOverClient, notifier: SystemdNotifier?, logger: Logger) async {
        // Under systemd, this process is the service's main one before the predecessor exits.
        notifier?.send(["MAINPID=\(getpid())"])
        let answered = await Task.detached { () -> HandOverError? in
            do throws(HandOverError) { try predecessor.answer(nil) } catch { return error }
            return nil
        }.value
        if let answered { logger.warning("the previous usher did not confirm the hand-over", metadata: ["reason": "\(answered)"]) }
    }

    /// The gate's configuration as the options and the configuration file's `[[listener]]` tables
    /// make it, its rules file read; `systemd`: the sockets systemd passed, for `fd:NAME`.
    static func gateConfiguration(
        _ options: GateOptions, listenerTables: [ListenerTableOptions], systemd: SystemdSockets
    ) throws -> GateConfiguration {
        var configuration = options.gateConfiguration
        configuration.somaxconn = HostSettings.somaxconn() ?? Backlog.linuxDefaultSomaxconn
        configuration.openFileLimit = HostSettings.openFileLimit()
        configuration.listeners = try listeners(options, bound: configuration.listeners, systemd: systemd)
        let fromFile = try listenerTables.flatMap { try $0.listeners(defaultRejection: configuration.provider.defaultRejection) }
        if !fromFile.isEmpty {
            // The file's listeners replace the default one (127.0.0.1:8080), not those the options name.
            if options.listenAddresses.isEmpty { configuration.listeners = [] }
            configuration.listeners += fromFile
            let guarded = options.guardPorts.flatMap { $0 }
            if configuration.guarded == nil, !guarded.isEmpty { configuration.guarded = GuardConfiguration(ports: guarded) }
        }
        for path in Set([options.rules].compactMap { $0 } + configuration.listeners.compactMap(\.rulesFile)) {
            do {
                configuration.listenerRuleSets[path] = try RulesFile.load(path: path)
            } catch {
                throw CommandFailure(RulesCheck.refusal(error), code: .usage)
            }
        }
        if let path = options.rules { configuration.rules = configuration.listenerRuleSets[path] ?? .empty }
        return configuration
    }

    /// The listeners in the order `--listen` names them: those usher binds, and the sockets
    /// systemd passed (`systemd`, `fd:NAME`).
    private static func listeners(
        _ options: GateOptions, bound: [ListenerConfiguration], systemd: SystemdSockets
    ) throws -> [ListenerConfiguration] {
        var toBind = bound[...]
        var listeners: [ListenerConfiguration] = []
        for address in options.listenAddresses {
            switch address {
            case .endpoint: if let next = toBind.popFirst() { listeners.append(next) }
            case .systemd(let name): listeners += try systemd.listeners(named: name, backlog: options.backlog)
            }
        }
        return listeners + toBind
    }

    /// The gate on `--listen` (with the `--guard` ports beside), or with `--guard` alone, the
    /// guard on those ports.
    private static func startProvider(
        _ options: GateOptions, configuration: GateConfiguration, guardsAlone: Bool, group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws -> DaemonProvider {
        if guardsAlone, let guarding = options.guardConfiguration(rules: configuration.rules) {
            do {
                return .guarded(try await Guard.start(guarding, on: group, logger: logger))
            } catch {
                throw CommandFailure(error.description, code: error == .notPermitted ? .noPermission : .runtime)
            }
        }
        do {
            return .gate(try await Gate.start(configuration, on: group, logger: logger))
        } catch {
            if case .cannotGuard(.notPermitted) = error { throw CommandFailure(error.description, code: .noPermission) }
            throw CommandFailure(error.description, code: error.isUsageError ? .usage : .runtime)
        }
    }

    /// With `--notify`: runs the command for every request that starts waiting for an operator.
    private static func startNotifying(
        _ options: NotifyOptions, provider: any Provider, listeners: ListenerNames, control: String, notices: NoticeBoard, logger: Logger
    ) {
        guard let command = options.notify, let executable = command.executable() else { return }
        let notifier = Notifier(
            command: command, executable: executable, rate: options.notifyRate, listeners: listeners, control: control, logger: logger,
            notices: notices, current: { provider.request($0) })
        provider.observe({ notifier.record($0) }, demand: EventDemand(Notifier.interest))
    }

    private static func sampleHost(every interval: Duration, logger: Logger) -> HostSamplerService? {
        do {
            return try HostSamplerService(interval: interval, logger: logger)
        } catch {
            logger.warning("the host's listeners are not watched", metadata: ["error": "\(error.description)"])
            return nil
        }
    }
}
