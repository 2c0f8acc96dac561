import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import UsherControl
import UsherCore
import UsherWire

/// `usher restart`.
struct Restart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restart the daemon without losing a client: a new process takes over its sockets and connections.",
        discussion: """
            The daemon (usher serve) starts its binary again, by the path it was started \
            with (after an upgrade, the new one), with the same arguments and --takeover. \
            The new process reads the configuration, then takes over the listening sockets \
            (clients waiting in the kernel's backlog keep their place), every pending \
            request with its client connection, ID, arrival, caller data, condition \
            outcomes and deadlines, and every proxied connection with the bytes in flight. \
            Request IDs go on from where they were. The old process then lets go of the \
            control socket, the new one serves it, and the old one exits once the \
            connections it could not hand over (being connected or turned away at that \
            moment) have finished.

            If the new process cannot start (a configuration with a problem, a binary that \
            fails), the old one takes everything back and goes on serving: the reason is \
            printed (exit 1), logged, and sent to watchers and dashboards, which reconnect \
            by themselves after a restart. SIGUSR2 to the daemon does the same as this \
            command. Needs the default data path (not USHER_DATA_PATH=nio).

            Exit status: 0 once the new process serves, 1 when the restart failed, 69 when \
            no daemon answers.
            """)

    @Option(
        help: ArgumentHelp("How long to wait for the new process to take over.", valueName: "duration"),
        transform: ArgumentParsing.duration)
    var timeout: Duration = .seconds(60)

    @OptionGroup var control: ControlOptions

    func run() async throws {
        let (old, outcome) = try await ControlSession.run(control) { client in
            let hello = try await ControlSession.operatorHello(client, may: "restart it")
            try await ControlSession.subscribeAndSignal(client, hello, SIGUSR2)
            return (hello.pid, try await Self.outcome(from: client, within: timeout))
        }
        guard case .success(let text) = outcome else {
            if case .failure(let failure) = outcome { throw failure }
            return
        }
        let successor = try await waitForSuccessor(of: old)
        StandardOutput.writeLine("usher restarted: \(text) (now serving: pid \(successor))")
    }

    /// The restart's notice: what was handed over, or why it failed. The daemon always says one
    /// or the other; a process that says nothing for `timeout` ends this command.
    private static func outcome(from client: ControlClient, within timeout: Duration) async throws -> Result<String, CommandFailure> {
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            StandardError.writeLine("usher: no new usher took over within \(DurationText.format(timeout)); see the daemon's log")
            Glibc.exit(CommandFailure.Code.runtime.rawValue)
        }
        defer { watchdog.cancel() }
        while let line = try await client.next() {
            guard case .event(let event) = line.message, case .notice(let notice) = event.detail, notice.source == "restart" else { continue }
            if notice.level == .warning { return .failure(CommandFailure(notice.text, code: .runtime)) }
            if notice.text.contains("took over") { return .success(notice.text) }
        }
        return .failure(CommandFailure("usher closed the connection before it said how the restart went", code: .runtime))
    }

    /// Waits until the control socket answers with another process; its pid.
    private func waitForSuccessor(of old: Int32) async throws -> Int32 {
        guard let hello = try await ControlSession.waitForDaemon(at: control.path, within: timeout, other: old) else {
            throw CommandFailure("the old usher handed over, but no usher answers at \(control.path) yet", code: .runtime)
        }
        return hello.pid
    }
}
