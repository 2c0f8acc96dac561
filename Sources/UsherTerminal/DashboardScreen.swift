import UsherDashboard

/// Where the dashboard loop shows its frames and reads its keys: the curses screen, or the
/// plain line mode for terminals that cannot address the cursor (and for screen readers).
protocol DashboardScreen: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// Keys waiting, without blocking, one array per line in line mode (a line ends with
    /// Enter when it typed into a question, see ``Dashboard/press(line:now:)``); `.resized`
    /// through `resized`.
    func readInput(resized: inout Bool) -> [DashboardInputEvent]
    /// `false` once standard input has ended: the loop stops waiting for it.
    var readsInput: Bool { get }
    func draw(_ canvas: Canvas)
    func bell()
    func flashScreen()
    func suspend()
    func invalidate()
    func setTheme(_ theme: Theme)
    func stop()
}

/// One thing read from the keyboard.
enum DashboardInputEvent {
    case key(Key)
    /// A line typed in line mode, as keys.
    case line([Key])
}

/// How the dashboard uses the terminal.
public enum DashboardMode: Hashable, Sendable {
    /// Full screen, through curses.
    case screen
    /// A plain-text frame of `width`×`height` per change on standard output, keys read a
    /// line at a time from standard input (`--line-mode`, `TERM=dumb`).
    case lines(width: Int, height: Int)
}
