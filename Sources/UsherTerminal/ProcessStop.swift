#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-Z's effect, on request: the process stops as a shell's job would and continues when
/// the shell says so.
enum ProcessStop {
    /// Stops the process with SIGTSTP's default action (not curses' handler, which would redo
    /// the terminal's work from a signal handler), raised on this thread, where other threads
    /// block it; returns once the process is continued.
    static func untilContinued() {
        signal(SIGTSTP, SIG_DFL)
        var stopSignal = sigset_t()
        sigemptyset(&stopSignal)
        sigaddset(&stopSignal, SIGTSTP)
        var mask = sigset_t()
        pthread_sigmask(SIG_UNBLOCK, &stopSignal, &mask)
        raise(SIGTSTP)
        pthread_sigmask(SIG_SETMASK, &mask, nil)
    }
}
