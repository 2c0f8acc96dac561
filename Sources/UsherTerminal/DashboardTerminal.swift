import Foundation
import Synchronization
import UsherDashboard
import UsherWire

/// Runs a ``Dashboard`` in the terminal: a loop that owns the screen, applies inputs from the
/// inbox and keys from the keyboard, performs the actions, and redraws only when something
/// changed or a refresh is due. Between those it sleeps in `poll`, so an idle dashboard costs
/// one wake-up per refresh interval.
///
/// Signals are not handled here: the program's one signal path (its service group) calls
/// ``requestStop()``, which ends the loop the way `q` does, without asking.
public final class DashboardTerminal: Sendable {
    private let pipe: WakePipe
    private let stopRequested = Atomic<Bool>(false)

    /// How the loop ended.
    public enum Ending: Hashable, Sendable {
        /// `q` (or F10).
        case quit
        /// ``requestStop()`` (a stop signal, or the rest of usher stopping).
        case stopped
    }

    public init() throws(TerminalError) {
        pipe = try WakePipe()
    }

    /// Wakes the loop (for an ``Inbox``); safe from any thread.
    public func wake() {
        pipe.wake()
    }

    /// Ends the loop at its next turn, restoring the terminal; safe from any thread, before or
    /// during ``run(_:theme:inbox:send:)``.
    public func requestStop() {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        pipe.wake()
    }

    /// Takes over the terminal and runs until `q` or ``requestStop()``; the terminal is restored
    /// before it returns or throws. Blocks the calling thread. `clock` is the dashboard's time
    /// (a replay's runs from the recording's first moment).
    public func run(
        _ initial: Dashboard, theme: Theme, mode: DashboardMode = .screen, clock: () -> Date = Date.init, inbox: Inbox,
        send: (DaemonRequest) -> Void
    ) throws(TerminalError) -> (Dashboard, Ending) {
        let interval = max(0.1, initial.options.interval)
        let screen: any DashboardScreen
        switch mode {
        case .screen:
            ResizeSignal.wake(pipe)
            screen = try TerminalScreen.start(theme: theme)
        case .lines(let width, let height):
            screen = LineScreen(width: width, height: height, interval: interval)
        }
        defer { screen.stop() }
        var dashboard = initial
        let size = screen.size
        dashboard.resize(width: size.width, height: size.height)
        var nextTick = clock()
        var lastDraw = Date.distantPast
        while !stopRequested.load(ordering: .sequentiallyConsistent) {
            let now = clock()
            var actions: [DashboardAction] = []
            for input in inbox.drain() { actions += dashboard.receive(input, now: now) }
            dashboard.settle()
            var resized = false
            for input in screen.readInput(resized: &resized) {
                switch input {
                case .key(let key): actions += dashboard.press(key, now: now)
                case .line(let keys): actions += dashboard.press(line: keys, now: now)
                }
            }
            if resized {
                let size = screen.size
                dashboard.resize(width: size.width, height: size.height)
                screen.invalidate()
            }
            if now >= nextTick {
                dashboard.tick(now: now)
                nextTick = now.addingTimeInterval(interval)
            }
            for action in actions {
                switch action {
                case .decide(let operation): send(.decide(operation))
                case .readJournal(let page): send(.readJournal(page))
                case .bell: screen.bell()
                case .flash: screen.flashScreen()
                case .suspend:
                    screen.suspend()
                    screen.draw(dashboard.render(now: clock()))
                case .redrawAll: screen.invalidate()
                case .theme(let theme): screen.setTheme(ThemeChoice.adjusted(theme, environment: ProcessInfo.processInfo.environment))
                case .quit: return (dashboard, .quit)
                }
            }
            if dashboard.needsRedraw, now.timeIntervalSince(lastDraw) >= 1.0 / 30 {
                screen.draw(dashboard.render(now: now))
                dashboard.didRender()
                lastDraw = now
            }
            if !screen.readsInput, dashboard.daemon.disconnection != nil, !dashboard.options.reconnects {
                // Nothing more can come, and nobody can type q (a replay, or a daemon gone, read
                // from a closed input): the last frame, then the end.
                screen.invalidate()
                screen.draw(dashboard.render(now: now))
                return (dashboard, .quit)
            }
            let untilTick = nextTick.timeIntervalSince(clock())
            let wait = dashboard.needsRedraw ? min(untilTick, 1.0 / 30) : untilTick
            pipe.wait(milliseconds: Int32(max(0, min(60_000, wait * 1000)).rounded(.up)), input: screen.readsInput)
        }
        return (dashboard, .stopped)
    }
}
