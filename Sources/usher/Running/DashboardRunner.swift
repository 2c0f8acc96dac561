import Foundation
import UsherControl
import UsherDashboard
import UsherTerminal

/// Runs the interactive dashboard against a control socket: the subscription and decision
/// connections as tasks, the terminal loop on its own thread (curses is not thread-safe and
/// must not block the cooperative pool).
enum DashboardRunner {
    static func run(
        controlPath: String, dashboard: Dashboard, theme: Theme
    ) async throws -> (Dashboard, DashboardTerminal.Ending) {
        let terminal: DashboardTerminal
        do {
            terminal = try DashboardTerminal()
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
        let inbox = Inbox(wake: { terminal.wake() })
        let (decisions, sender) = AsyncStream.makeStream(of: DecideOperation.self)
        let subscription = Task { await DashboardLink.subscribe(path: controlPath, inbox: inbox) }
        let decider = Task { await DashboardLink.decide(path: controlPath, decisions: decisions, inbox: inbox) }
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
