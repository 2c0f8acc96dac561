import CNCurses
import UsherDashboard
#if canImport(Glibc)
import Glibc
#endif

/// The curses screen: starts and ends curses, copies a ``Canvas`` to it (only the cells that
/// changed since the last frame), and reads keys and clicks.
final class TerminalScreen: DashboardScreen {
    private var palette: ColorPalette
    private var previous: Canvas?
    private var screen: OpaquePointer?

    private init(theme: Theme, screen: OpaquePointer?) {
        self.screen = screen
        if has_colors() {
            start_color()
            use_default_colors()
        }
        palette = Self.palette(theme)
    }

    private static func palette(_ theme: Theme) -> ColorPalette {
        let colors = has_colors()
        return ColorPalette(theme: theme, colors: colors ? Int(usher_colors()) : 0, pairs: colors ? Int(usher_color_pairs()) : 0)
    }

    /// Draws with `theme` from the next frame on (every cell).
    func setTheme(_ theme: Theme) {
        palette = Self.palette(theme)
        invalidate()
    }

    /// Takes over the terminal on standard input and output.
    static func start(theme: Theme) throws(TerminalError) -> TerminalScreen {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        TerminalRestore.install()
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              let screen = newterm(nil, output, input) else {
            TerminalRestore.uninstall()
            throw .cannotStart(term: term)
        }
        set_term(screen)
        ResizeSignal.install()
        // Raw: Ctrl-C, Ctrl-Z and Ctrl-\\ arrive as keys, so that the dashboard asks before
        // they stop anything (a signal would stop the gate without a word).
        raw()
        noecho()
        nonl()
        keypad(usher_stdscr(), true)
        nodelay(usher_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        mousemask(usher_button1_any() | usher_button4_pressed() | usher_button5_pressed(), nil)
        mouseinterval(0)
        return TerminalScreen(theme: theme, screen: screen)
    }

    /// Gives the terminal back as it was.
    func stop() {
        guard let screen else { return }
        ResizeSignal.uninstall()
        endwin()
        delscreen(screen)
        self.screen = nil
        TerminalRestore.uninstall()
    }

    var size: (width: Int, height: Int) {
        (Int(usher_cols()), Int(usher_lines()))
    }

    /// Shows `canvas`; every cell when `full` (after Ctrl-L or a resize).
    func draw(_ canvas: Canvas, full: Bool) {
        let old = full ? nil : previous.flatMap { $0.width == canvas.width && $0.height == canvas.height ? $0 : nil }
        if old == nil { erase() }
        var wide = [wchar_t](repeating: 0, count: 2)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if cell.isContinuation { continue }
                if let old, old[x, y] == cell { continue }
                let style = palette.style(cell.slot)
                wide[0] = wchar_t(bitPattern: cell.character.unicodeScalars.first?.value ?? 0x20)
                _ = usher_put_wide(Int32(y), Int32(x), &wide, style.attributes, style.pair)
            }
        }
        refresh()
        previous = canvas
    }

    /// Forgets the last frame so the next draw repaints everything.
    func invalidate() {
        previous = nil
        clearok(usher_stdscr(), true)
    }

    func bell() {
        if beep() == usher_err() { flash() }
    }

    /// Gives the terminal back, stops the process (as Ctrl-Z would in a shell), and takes the
    /// terminal again when the shell continues it.
    func suspend() {
        def_prog_mode()
        endwin()
        ProcessStop.untilContinued()
        reset_prog_mode()
        invalidate()
    }

    /// Flashes the screen (a visible bell), or beeps where the terminal cannot flash.
    func flashScreen() {
        if flash() == usher_err() { beep() }
    }

    let readsInput = true

    func draw(_ canvas: Canvas) {
        draw(canvas, full: false)
    }

    func readInput(resized: inout Bool) -> [DashboardInputEvent] {
        readKeys(resized: &resized).map { .key($0) }
    }

    /// Every key waiting, without blocking; `.resized` is reported through `resized`.
    func readKeys(resized: inout Bool) -> [Key] {
        var keys: [Key] = []
        var value: wint_t = 0
        while true {
            let result = wget_wch(usher_stdscr(), &value)
            if result == usher_err() { break }
            if result == usher_key_code_yes() {
                let code = Int32(value)
                if code == usher_key_resize() {
                    resized = true
                } else if code == usher_key_mouse() {
                    if let key = readMouse() { keys.append(key) }
                } else if let key = KeyCodes.special(code) {
                    keys.append(key)
                }
            } else if let key = KeyCodes.character(UInt32(value)) {
                keys.append(key)
            }
        }
        return keys
    }

    private func readMouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) != usher_err() else { return nil }
        if event.bstate & usher_button4_pressed() != 0 { return .scrollUp }
        if event.bstate & usher_button5_pressed() != 0 { return .scrollDown }
        if event.bstate & usher_button1_any() != 0 { return .click(x: Int(event.x), y: Int(event.y)) }
        return nil
    }
}
