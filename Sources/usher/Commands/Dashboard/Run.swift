import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UsherControl
import UsherWire
import UsherCore
import UsherDashboard
import UsherGate

/// `usher run`: the gate and the dashboard in one process.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gate with the live dashboard: watch backlog and decide each connection by hand.",
        discussion: """
            Starts the gate as 'usher serve' does (same options, same control socket, so \
            'usher ls', 'usher accept' and 'usher top' work beside it) and shows the \
            dashboard in this terminal. With the default policy ask, every connection waits \
            in the pending table until you press a (accept), r (reject), R (reset) or d \
            (defer), or the pending timeout applies its action.

            Without --upstream, accepted connections reach the built-in demo upstream: \
            'curl http://127.0.0.1:8080/' shows up as a row; press a and curl gets its \
            answer.

            Keys: a accept, r reject, R reset, d defer, Space tag, A/X accept/reject all \
            tagged (or all shown), / filter, s sort, Enter detail, Tab switch pane, \
            : command line (:accept peer 10.0.0.0/8, :defer all 5m, :theme light), \
            ? help, q quit (it asks first when requests are pending: they get the \
            --timeout-action as usher stops).

            The dashboard owns the terminal, so the log (every decision, who took it and \
            why) goes to a file: --log-file PATH, by default usher-run.log in the state \
            directory ($XDG_STATE_HOME/usher, /var/lib/usher for root, else \
            ~/.local/state/usher); --log-file none logs nothing. Past 16 MiB the file \
            becomes FILE.1 and a new one starts. SIGINT, SIGTERM, SIGHUP and SIGQUIT stop \
            usher gracefully, as q does.

            Examples:
              usher run                                   every connection waits for you
              usher run --upstream 127.0.0.1:3000 --listen 0.0.0.0:8080
              usher run --theme light --log-file /tmp/usher.log
              usher run --policy accept --interval 500ms  watch traffic flow through

            Exit status: 0 after q or a stop signal, 1 when a listener or the control \
            socket cannot open, 64 for a usage error (a bad option or theme, no terminal).
            """
    )

    @OptionGroup(title: "Configuration file") var configurationFile: ConfigurationOptions
    @OptionGroup(title: "Gate options") var gate: GateOptions
    @OptionGroup(title: "Control") var control: ControlOptions
    @OptionGroup(title: "Journal") var journal: JournalOptions
    @OptionGroup(title: "Metrics") var metrics: MetricsOptions
    @OptionGroup(title: "Notification") var notify: NotifyOptions
    @OptionGroup(title: "Display") var display: DisplayOptions

    @OptionGroup(title: "Logging") var log: LogOptions

    func run() async throws {
        let (run, listenerTables) = try applyingConfiguration(configurationFile)
        try await run.run(listenerTables: listenerTables)
    }

    /// Runs with the options the configuration file and the command line make.
    private func run(listenerTables: [ListenerTableOptions]) async throws {
        let choice = try display.resolve()
        guard display.lineMode || (isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1) else {
            throw CommandFailure(
                "usher run needs a terminal (or --line-mode for plain-text frames and keys read by line); 'usher serve' runs the same gate headless",
                code: .usage)
        }
        let redirection = try LogRedirection(path: Self.logPath(log.logFile))
        log.bootstrap()
        let logger = Logger(label: "usher")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: gate.swiftNIOThreads)
        do {
            try await run(on: group, listenerTables: listenerTables, logger: logger, choice: choice, redirection: redirection)
            try? await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// The log file: `--log-file`, nothing for `none`, else `usher-run.log` in the state
    /// directory (nothing, with a word on standard error, when it cannot be made).
    static func logPath(_ given: String?) -> String? {
        if let given { return given == "none" ? nil : given }
        let directory = StateDirectory.path()
        if let problem = StateDirectory.create(directory) {
            StandardError.writeLine("usher: no log: cannot make \(directory): \(problem); --log-file PATH chooses a file")
            return nil
        }
        return directory + "/usher-run.log"
    }

    private func run(
        on group: MultiThreadedEventLoopGroup, listenerTables: [ListenerTableOptions], logger: Logger, choice: ThemeChoice,
        redirection: LogRedirection
    ) async throws {
        let daemon: Daemon
        do {
            daemon = try await DaemonLauncher.start(
                gate, listenerTables: listenerTables, journal: journal, metrics: metrics, notify: notify, control: control, observers: nil, hostInterval: display.interval, group: group, logger: logger)
        } catch {
            redirection.restore()
            throw error
        }
        let action = daemon.provider.provider.providerConfiguration.timeoutAction.rawValue
        let dashboard = DashboardService(
            controlPath: daemon.control.path, group: group,
            dashboard: Dashboard(options: display.dashboardOptions(
                lineDrawing: choice.lineDrawing, quitWarning: "will get the timeout action (\(action)) as usher stops.",
                suspendRefusal: "Ctrl-Z would stop the gate with the dashboard: its clients would wait and time out. q quits; usher top can be suspended")),
            theme: choice.theme, mode: display.mode())
        var quiet = logger
        quiet.logLevel = .warning
        let services = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: daemon.services + [dashboard.configuration],
            gracefulShutdownSignals: [.sigterm, .sigint, .sighup, .sigquit], logger: quiet))
        do {
            try await services.run()
        } catch {
            redirection.restore()
            throw error
        }
        redirection.restore()
        StandardError.writeLine("usher: stopped; " + Self.summary(daemon.provider.provider.snapshot(includingPending: false).counters))
    }

    static func summary(_ counters: Counters) -> String {
        "arrived \(counters.arrived) = accepted \(counters.accepted) + rejected \(counters.rejected) + withdrawn \(counters.withdrawn) + expired \(counters.expired) + overflowed \(counters.overflowed) + pending \(counters.pending)"
    }
}
