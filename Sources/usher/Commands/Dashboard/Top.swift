import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import UsherControl
import UsherWire
import UsherDashboard

/// `usher top`: the dashboard attached to a running daemon.
struct Top: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch and decide pending requests of a running usher in a live dashboard.",
        discussion: """
            Attaches to the daemon's control socket: the header shows each listener's \
            pending queue against --max-pending, its kernel backlog, a graph of the depth \
            and the accept, reject and withdraw rates; the table lists every pending \
            request with its age, the time left before the pending timeout, the peer and \
            the first bytes it sent. Decisions go to the daemon as 'usher accept' would send \
            them.

            Keys: a accept, r reject, R reset, d defer, Space tag, A/X accept/reject all \
            tagged (or all shown), / filter, s sort, Enter detail (conditions and caller \
            data in hex), Tab switch pane, H host listeners, ? help, q quit. F1-F10 \
            mirror them; a click selects a row. : opens the command line, which runs \
            the same actions by name: :accept r4, :reject peer 10.0.0.0/8 reset, \
            :defer all 5m, :sort peer, :theme light (Tab completes, Up recalls).

            H (or --host) puts the host's listeners in the lower pane: every TCP socket \
            in LISTEN on the host, gated or not, with its kernel accept queue (Recv-Q \
            against Send-Q, as ss -lnt shows it), a graph of its depth, FULL when the \
            kernel is refusing handshakes there, and the process holding it. With the \
            focus there (Tab), s sorts by depth, fill, address or process, and Enter \
            shows the processes.

            Examples:
              usher top                             the default socket
              usher top --control /run/usher/control.sock --theme light
              usher top --host                      start with the host's listeners
              usher top --once                      one plain-text frame, for scripts and bug reports
              usher top --record incident.rec       watch, and keep what was seen
              usher top --replay incident.rec --speed 4   play it back, four times faster
              COLUMNS=200 LINES=50 usher top --once

            Exit status: 0 after q, 69 when no daemon answers, 64 for a usage error (a \
            bad theme, no terminal).
            """
    )

    @OptionGroup(title: "Control") var control: ControlOptions
    @OptionGroup(title: "Display") var display: DisplayOptions

    @Flag(help: "Print one plain-text frame to standard output and exit (size from COLUMNS and LINES, else the terminal, else 120x40).")
    var once = false

    @Option(help: ArgumentHelp(
        "Also write the event stream the dashboard receives to FILE (JSON lines, at most 256 MiB), for usher top --replay: post-mortems, bug reports, demos.",
        valueName: "file"))
    var record: String?

    @Option(help: ArgumentHelp(
        "Play a recording made with --record instead of connecting to a daemon: the same screen, read-only, at the recorded pace.",
        valueName: "file"))
    var replay: String?

    @Option(help: ArgumentHelp("With --replay, play this many times faster: 0.1 to 100. (default: 1)", valueName: "n"))
    var speed: Double?

    func validate() throws {
        if replay != nil, record != nil { throw ValidationError("--record and --replay do not go together: a replay reads the file a recording writes") }
        if replay != nil, once { throw ValidationError("--once and --replay do not go together") }
        if let speed {
            guard replay != nil else { throw ValidationError("--speed goes with --replay") }
            guard speed >= 0.1, speed <= 100 else { throw ValidationError("--speed: '\(speed)' is outside 0.1…100") }
        }
    }

    func run() async throws {
        let choice = try display.resolve()
        var options = display.dashboardOptions(lineDrawing: once ? .unicode : choice.lineDrawing)
        if let replay { return try await play(replay, options: options, theme: choice.theme) }
        options.reconnects = true
        let recorder = try record.map { path throws(CommandFailure) in try StreamRecorder(path: path) }
        var dashboard = Dashboard(options: options)
        let hello = try await ControlSession.run(control) { try await $0.hello() }
        dashboard.receive(hello: hello)
        if once { return try await printFrame(dashboard) }
        let service = DashboardService(
            controlPath: control.path, group: MultiThreadedEventLoopGroup.singleton, dashboard: dashboard,
            theme: choice.theme, mode: display.mode(), recorder: recorder)
        try await runDashboard(service)
        if let reason = service.final?.daemon.disconnection { StandardError.writeLine("usher: \(reason); not connected when quitting") }
        if let recorder { StandardError.writeLine("usher: \(recorder.finish())") }
    }

    /// `--replay FILE`: the recording's inputs, at its pace times `--speed`, read-only.
    private func play(_ path: String, options initial: DashboardOptions, theme: Theme) async throws {
        let replay = try StreamReplay(path: path, speed: speed ?? 1)
        var options = initial
        options.readOnly = true
        let pace = replay.speed == 1 ? "" : " ×\(replay.speed.formatted(.number.precision(.fractionLength(0...1))))"
        options.replaying = "replay\(pace) of \((path as NSString).lastPathComponent)"
        let service = DashboardService(
            controlPath: control.path, group: MultiThreadedEventLoopGroup.singleton, dashboard: Dashboard(options: options),
            theme: theme, mode: display.mode(), replay: replay)
        try await runDashboard(service)
    }

    private func runDashboard(_ service: DashboardService) async throws {
        let silent = Logger(label: "usher") { _ in SwiftLogNoOpLogHandler() }
        try await ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [service.configuration], gracefulShutdownSignals: [.sigterm, .sigint, .sighup, .sigquit], logger: silent)
        ).run()
    }

    private func printFrame(_ initial: Dashboard) async throws {
        var dashboard = initial
        let snapshot = try await ControlSession.run(control) { try await $0.snapshot(host: true) }
        let now = Date()
        _ = dashboard.receive(.snapshot(snapshot), now: now)
        dashboard.settle()
        dashboard.tick(now: now)
        let size = FrameSize.current()
        dashboard.resize(width: size.width, height: size.height)
        StandardOutput.writeLine(dashboard.render(now: now).text)
    }
}

/// The size of a plain-text frame (`--once`, `--line-mode`): `COLUMNS`×`LINES`, else the
/// terminal's, else `fallback` (120×40).
enum FrameSize {
    static func current(default fallback: (width: Int, height: Int) = (120, 40)) -> (width: Int, height: Int) {
        let environment = ProcessInfo.processInfo.environment
        let terminal = TerminalSize.ofStandardOutput()
        let width = environment["COLUMNS"].flatMap(Int.init) ?? terminal?.width ?? fallback.width
        let height = environment["LINES"].flatMap(Int.init) ?? terminal?.height ?? fallback.height
        return (max(20, min(1000, width)), max(5, min(500, height)))
    }
}
