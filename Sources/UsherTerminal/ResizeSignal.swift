#if canImport(Glibc)
import Glibc
#endif

/// Wakes the dashboard loop the moment the terminal is resized. Curses learns of a resize
/// through its own SIGWINCH handler, but the signal may reach any thread of the process, and the
/// loop's `poll` would sleep on until its next refresh (up to `--interval`): this handler runs
/// curses' one, then writes to the loop's ``WakePipe``, so the new size is drawn within a frame.
enum ResizeSignal {
    /// The write end of the pipe to wake (-1: none); a signal handler may read a plain global.
    nonisolated(unsafe) private static var wakeDescriptor: Int32 = -1
    nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
    nonisolated(unsafe) private static var installed = false

    /// Sets the pipe that resizes wake.
    static func wake(_ pipe: WakePipe) {
        wakeDescriptor = pipe.writeEnd
    }

    /// Chains the handler in front of curses' one; call after curses started.
    static func install() {
        guard !installed else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            let earlier = ResizeSignal.previous.pointee.__sigaction_handler.sa_handler
            if let earlier, unsafeBitCast(earlier, to: Int.self) > 1 { earlier(number) }
            var byte: UInt8 = 1
            if ResizeSignal.wakeDescriptor >= 0 { _ = write(ResizeSignal.wakeDescriptor, &byte, 1) }
        }
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        installed = sigaction(SIGWINCH, &action, previous) == 0
    }

    /// Puts curses' handler back (before curses ends).
    static func uninstall() {
        guard installed else { return }
        sigaction(SIGWINCH, previous, nil)
        installed = false
    }
}
