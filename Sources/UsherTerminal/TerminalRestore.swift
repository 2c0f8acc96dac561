import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back as it was on every way out: `endwin` on a normal exit, and on a
/// crash (SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE) the saved terminal modes and the
/// escape sequences that leave the alternate screen, show the cursor and stop mouse reports,
/// with async-signal-safe calls only. The handler that was there before (the Swift runtime's
/// backtracer) then runs as it would have.
enum TerminalRestore {
    nonisolated(unsafe) private static var saved = termios()
    nonisolated(unsafe) private static var hasSaved = false
    /// The actions replaced, by signal number (a C array: signal handlers may not touch Swift
    /// collections).
    nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    private static let crashSignals: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE]

    /// Saves the terminal modes and installs the crash handlers; call before curses starts.
    static func install() {
        hasSaved = tcgetattr(STDIN_FILENO, &saved) == 0
        for number in crashSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                TerminalRestore.restoreAfterCrash()
                // Put the earlier handler back; the faulting instruction runs again and reaches it.
                sigaction(number, TerminalRestore.previous + Int(number), nil)
                if number == SIGABRT { raise(number) }
            }
            sigaction(number, &action, previous + Int(number))
        }
    }

    /// Puts the earlier handlers back (after curses ended).
    static func uninstall() {
        for number in crashSignals { sigaction(number, previous + Int(number), nil) }
    }

    private static func restoreAfterCrash() {
        if hasSaved { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let sequence: StaticString = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1006l\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
        _ = write(STDOUT_FILENO, sequence.utf8Start, sequence.utf8CodeUnitCount)
    }
}
