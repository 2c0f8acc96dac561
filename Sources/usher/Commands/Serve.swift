import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals
import UsherControl
import UsherWire
import UsherCore
import UsherGate

/// `usher serve`: the headless gate daemon.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gate headless: hold, decide and proxy connections; log every event.",
        discussion: """
            Every connection to a --listen address waits in the pending queue until the \
            policy, an operator or the pending timeout decides. Accepted connections are \
            proxied to --upstream, caller data first; rejected ones get the \
            --reject-message and a close. A client that closes, resets or stops sending \
            while it waits has withdrawn its request.

            When a listener has --max-pending requests waiting, usher stops accepting from \
            the kernel (--overflow pause): new clients wait in the kernel backlog, as with \
            any busy server, until there is room. --overflow reset refuses them instead.

            Operators decide from another terminal through the control socket (--control): \
            usher ls, usher accept r1, usher reject r2 --reset, usher defer r3 --for 30s, \
            usher watch. The daemon's user and root may decide; --observers GROUP lets a \
            group watch.

            With a configuration file (--config), SIGHUP or 'usher reload' reads it again: \
            new listeners bind, listeners left out stop taking connections and finish what \
            they hold, changed settings apply to new requests; a file with a problem changes \
            nothing. Without one, SIGHUP reads the --rules file again.

            One log line per event goes to standard error. SIGINT or SIGTERM stops \
            gracefully: usher stops listening, gives every pending request the \
            --timeout-action, lets proxied connections finish for up to --drain-timeout, \
            and exits 0.

            Examples:
              Proxy everything to the built-in demo upstream (curl http://127.0.0.1:8080/):
                usher serve --policy accept
              Gate a real server:
                usher serve --listen 0.0.0.0:80 --upstream 127.0.0.1:8080 --policy accept
              Turn every client away with an HTTP answer:
                usher serve --policy reject --reject-message 'HTTP/1.0 503 busy\\r\\n\\r\\n'
              Hold everything for five minutes, then let it through:
                usher serve --pending-timeout 5m --timeout-action accept
              Hold every connection for an operator; let a group watch:
                usher serve --upstream 127.0.0.1:3000 --observers ops

            Exit status: 0 after a graceful stop, 1 when a listener or the control socket \
            cannot open (the port is in use, another usher serves the socket), 64 for a \
            usage error.
            """
    )

    @OptionGroup(title: "Configuration file") var configurationFile: ConfigurationOptions
    @OptionGroup(title: "Gate options") var gate: GateOptions
    @OptionGroup(title: "Control") var control: ControlOptions
    @OptionGroup(title: "Journal") var journal: JournalOptions
    @OptionGroup(title: "Metrics") var metrics: MetricsOptions
    @OptionGroup(title: "Notification") var notify: NotifyOptions

    @OptionGroup var access: ObserverOptions

    @Option(
        help: ArgumentHelp(
            "Control connections served at once; the next one gets a too_many_connections error. (default: \(ControlLimits.standard.maxConnections))",
            valueName: "n"))
    var maxControlConnections = ControlLimits.standard.maxConnections

    @Option(
        help: ArgumentHelp(
            "A control connection that neither subscribes nor sends a request for this long is closed. (default: \(DurationText.format(ControlLimits.standard.idleTimeout)))",
            valueName: "duration"),
        transform: ArgumentParsing.duration)
    var controlIdleTimeout = ControlLimits.standard.idleTimeout

    @Option(
        help: ArgumentHelp(
            "How often the kernel's listeners are sampled (accept queues, for usher listeners --host and the dashboard): 100ms to 1m. (default: \(DurationText.format(DisplayOptions.defaultInterval)))",
            valueName: "duration"),
        transform: DisplayOptions.interval)
    var interval: Duration = DisplayOptions.defaultInterval

    @Flag(help: ArgumentHelp(
        "Take over from the usher serving the control socket, if one does: its listening sockets, held and proxied connections and request IDs (a restart; see 'usher restart')."))
    var takeover = false

    @OptionGroup(title: "Logging") var log: LogOptions

    mutating func validate() throws {
        guard (1...65_536).contains(maxControlConnections) else {
            throw ValidationError("--max-control-connections must be from 1 to 65536, got \(maxControlConnections)")
        }
        guard controlIdleTimeout >= .milliseconds(100) else {
            throw ValidationError("--control-idle-timeout must be at least 100ms, got \(DurationText.format(controlIdleTimeout))")
        }
    }

    func run() async throws {
        let (serve, listenerTables) = try applyingConfiguration(configurationFile)
        try await serve.run(listenerTables: listenerTables)
    }

    /// Runs with the options the configuration file and the command line make.
    private func run(listenerTables: [ListenerTableOptions]) async throws {
        if let path = log.logFile { _ = try LogRedirection(path: path) }
        log.bootstrap()
        let logger = Logger(label: "usher")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: gate.swiftNIOThreads)
        do {
            try await serve(on: group, listenerTables: listenerTables, logger: logger)
            try? await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Listens for a successor (a restart), for a gate on the default data path.
    private func startHandOver(_ daemon: Daemon, logger: Logger) -> HandOverServer? {
        guard case .gate(let gate) = daemon.provider else { return nil }
        do {
            let server = try HandOverServer(gate: gate, control: daemon.control, notices: daemon.notices, systemd: daemon.systemd, logger: logger)
            server.start()
            return server
        } catch {
            logger.warning("usher restart is not available", metadata: ["reason": "\(error)"])
            return nil
        }
    }

    private func serve(on group: MultiThreadedEventLoopGroup, listenerTables: [ListenerTableOptions], logger: Logger) async throws {
        let sockets = SystemdSockets.take()
        let systemd = SystemdNotifier.fromEnvironment()
        // Trapped before the gate starts: a signal sent as soon as usher says ready is not lost.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let restarts = await UnixSignalsSequence(trapping: .sigusr2)
        let daemon = try await DaemonLauncher.start(
            gate, listenerTables: listenerTables, journal: journal, metrics: metrics, notify: notify, control: control, observers: access.observers,
            controlLimits: ControlLimits(maxConnections: maxControlConnections, idleTimeout: controlIdleTimeout), hostInterval: interval,
            systemd: sockets, configurationFile: configurationFile.file, takeOver: takeover, notifier: systemd, group: group, logger: logger)
        var quiet = logger
        quiet.logLevel = .warning
        var reloader: ConfigurationReloader?
        if let path = configurationFile.file, case .gate(let gate) = daemon.provider {
            reloader = try ConfigurationReloader(
                path: path, gate: gate, rules: daemon.rules, notices: daemon.notices, systemd: sockets, logger: logger)
        }
        var services = daemon.services + [
            .init(service: ReloadService(hangups: hangups, keeper: daemon.rules, configuration: reloader, logger: logger, systemd: systemd))
        ]
        let handOver = startHandOver(daemon, logger: logger)
        if let handOver {
            services.append(.init(service: RestartService(
                signals: restarts, executable: RestartService.startedExecutable(), arguments: Array(CommandLine.arguments.dropFirst()), handOver: handOver,
                notifySocket: systemd?.path, notices: daemon.notices, logger: logger)))
        }
        if let systemd {
            services.append(.init(service: SystemdService(
                notifier: systemd, provider: daemon.provider.provider, logger: logger,
                handedOver: { handOver?.handedOver.load(ordering: .relaxed) ?? false })))
        }
        defer { handOver?.stop() }
        let serviceGroup = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
        try await serviceGroup.run()
    }
}
