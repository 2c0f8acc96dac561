import Foundation
import NIOCore
import ServiceLifecycle
import Synchronization
import UsherControl
import UsherDashboard
import UsherTerminal
import UsherWire

/// The interactive dashboard as a service: its subscription and decision connections to the
/// control socket as tasks, the terminal loop on a thread of its own (curses is not thread-safe
/// and must not block the cooperative pool). It returns when the operator quits, which shuts the
/// group down; when the group shuts down first (a stop signal), it ends the loop, restoring the
/// terminal, the way `q` does without asking.
final class DashboardService: Service {
    private let controlPath: String
    private let group: any EventLoopGroup
    private let initial: Dashboard
    private let theme: Theme
    private let mode: DashboardMode
    private let recorder: StreamRecorder?
    private let replay: StreamReplay?
    private let ended = Mutex<Dashboard?>(nil)

    /// `group` carries the two connections (the process's own event-loop group).
    /// With `replay`, the inputs come from a recording and nothing is sent to a daemon; with
    /// `recorder`, every input from the daemon is also written to its file.
    init(
        controlPath: String, group: any EventLoopGroup, dashboard: Dashboard, theme: Theme, mode: DashboardMode = .screen,
        recorder: StreamRecorder? = nil, replay: StreamReplay? = nil
    ) {
        self.controlPath = controlPath
        self.group = group
        self.initial = dashboard
        self.theme = theme
        self.mode = mode
        self.recorder = recorder
        self.replay = replay
    }

    /// The dashboard as it was when the loop ended.
    var final: Dashboard? { ended.withLock { $0 } }

    /// This service in a group: the operator's `q` (or a failure of the terminal) shuts the
    /// whole group down gracefully.
    var configuration: ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: self, successTerminationBehavior: .gracefullyShutdownGroup,
              failureTerminationBehavior: .gracefullyShutdownGroup)
    }

    func run() async throws {
        let terminal: DashboardTerminal
        do {
            terminal = try DashboardTerminal()
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
        let inbox = Inbox(wake: { terminal.wake() })
        let (requests, sender) = AsyncStream.makeStream(of: DaemonRequest.self)
        let (path, group) = (controlPath, self.group)
        let (reconnects, recorder, replay) = (initial.options.reconnects, self.recorder, self.replay)
        let subscription = Task {
            if let replay { return await replay.play(into: inbox) }
            await DashboardLink.subscribe(path: path, group: group, inbox: inbox, reconnecting: reconnects, recorder: recorder)
        }
        let decider = Task {
            guard replay == nil else { return }
            await DashboardLink.send(path: path, group: group, requests: requests, inbox: inbox)
        }
        defer {
            sender.finish()
            subscription.cancel()
            decider.cancel()
        }
        let result = await withGracefulShutdownHandler {
            await Self.runOnThread(terminal, dashboard: initial, theme: theme, mode: mode, clock: replay?.now ?? Date.init, inbox: inbox) {
                sender.yield($0)
            }
        } onGracefulShutdown: {
            terminal.requestStop()
        }
        switch result {
        case .success(let dashboard):
            ended.withLock { $0 = dashboard }
        case .failure(let error):
            throw CommandFailure(error.description, code: error == .notATerminal ? .usage : .runtime)
        }
    }

    private static func runOnThread(
        _ terminal: DashboardTerminal, dashboard: Dashboard, theme: Theme, mode: DashboardMode,
        clock: @escaping @Sendable () -> Date, inbox: Inbox,
        send: @escaping @Sendable (DaemonRequest) -> Void
    ) async -> Result<Dashboard, TerminalError> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(TerminalError) in
                    try terminal.run(dashboard, theme: theme, mode: mode, clock: clock, inbox: inbox, send: send).0
                })
            }
            thread.name = "usher-dashboard"
            thread.start()
        }
    }
}
