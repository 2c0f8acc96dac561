import Foundation
import NIOCore
import NIOPosix
import UsherControl
import UsherWire
import UsherDashboard
import UsherTerminal

/// Runs the interactive dashboard against a control socket: the subscription and decision
/// connections as tasks, the terminal loop on its own thread (curses is not thread-safe and
/// must not block the cooperative pool).
enum DashboardRunner {
    /// `group` carries the two connections (the process's own event-loop group).
    static func run(
        controlPath: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, dashboard: Dashboard,
        theme: Theme
    ) async throws -> (Dashboard, DashboardTerminal.Ending) {
        let terminal: DashboardTerminal
        do {
            terminal = try DashboardTerminal()
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
        let inbox = Inbox(wake: { terminal.wake() })
        let (decisions, sender) = AsyncStream.makeStream(of: DecideOperation.self)
        let subscription = Task { await DashboardLink.subscribe(path: controlPath, group: group, inbox: inbox) }
        let decider = Task { await DashboardLink.decide(path: controlPath, group: group, decisions: decisions, inbox: inbox) }
        defer {
            sender.finish()
            subscription.cancel()
            decider.cancel()
        }
        let result: Result<(Dashboard, DashboardTerminal.Ending), TerminalError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(TerminalError) in
                    try terminal.run(dashboard, theme: theme, inbox: inbox) { sender.yield($0) }
                })
            }
            thread.name = "usher-dashboard"
            thread.start()
        }
        switch result {
        case .success(let ended): return ended
        case .failure(let error): throw CommandFailure(error.description, code: error == .notATerminal ? .usage : .runtime)
        }
    }
}
