import ArgumentParser
import CNCurses
import Foundation
import UsherCore
import UsherDashboard
import UsherTerminal

/// How the dashboard looks and sounds: `--theme`, `--ascii`, `--no-bell`, `--interval`.
struct DisplayOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Colour theme: default, light, mono, high-contrast, or the path of a theme file (see themes/README.md). NO_COLOR and TERM=dumb force mono.",
        valueName: "name|path"))
    var theme: String?

    @Flag(help: "Draw lines, gauges and graphs with ASCII characters (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(help: "Do not ring the bell (or flash) when a request arrives.")
    var noBell = false

    @Flag(help: "Open with the host listeners pane (every LISTEN socket's kernel queue) in place of the event log; H toggles it.")
    var host = false

    @Flag(help: "Watch only: no key decides a request, and the function bar and help show none of them.")
    var readOnly = false

    @Flag(help: ArgumentHelp(
        "Print a plain-text frame per change and read keys a line at a time (as top -b): for screen readers, editors' shells and logs. Automatic where the terminal cannot move the cursor (TERM=dumb). The size is COLUMNS x LINES, else the terminal's, else 80x24."))
    var lineMode = false

    @Option(
        help: ArgumentHelp(
            "Refresh of ages, rates and graphs: 100ms to 1m. (default: \(DurationText.format(DisplayOptions.defaultInterval)))",
            valueName: "duration"),
        transform: DisplayOptions.interval)
    var interval: Duration = DisplayOptions.defaultInterval

    /// The refresh of the dashboard and the sampling of the host, unless told otherwise.
    static let defaultInterval: Duration = .seconds(1)

    static func interval(_ text: String) throws -> Duration {
        let duration: Duration
        do {
            duration = try DurationText.parse(text)
        } catch {
            throw ValidationError("--interval: \(error.description)")
        }
        guard duration >= .milliseconds(100), duration <= .seconds(60) else {
            throw ValidationError("--interval: '\(text)' is outside 100ms…1m")
        }
        return duration
    }

    /// The theme and line drawing for this terminal; a bad theme is a usage error naming the
    /// file, line and key.
    func resolve() throws -> ThemeChoice {
        setlocale(LC_ALL, "")
        do {
            return try ThemeChoice.resolve(
                theme, ascii: ascii, environment: ProcessInfo.processInfo.environment,
                localeIsUTF8: usher_locale_is_utf8() != 0)
        } catch {
            throw CommandFailure("--theme: \(error.description)", code: .usage)
        }
    }

    /// Full screen, or the line mode when asked for or when the terminal cannot move the cursor.
    func mode() -> DashboardMode {
        let interactive = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
        guard lineMode || (interactive && usher_terminal_addresses_cursor() == 0) else { return .screen }
        let size = FrameSize.current(default: (80, 24))
        return .lines(width: max(60, size.width), height: max(15, size.height))
    }

    /// The dashboard's options.
    func dashboardOptions(lineDrawing: LineDrawing, quitWarning: String? = nil, suspendRefusal: String? = nil) -> DashboardOptions {
        DashboardOptions(
            bell: !noBell, interval: interval.inSeconds,
            quitWarning: quitWarning, lineDrawing: lineDrawing, showsHost: host, suspendRefusal: suspendRefusal,
            readOnly: readOnly)
    }
}
