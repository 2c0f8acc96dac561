#if canImport(Glibc)
import Glibc
#endif

/// A pipe that wakes the dashboard loop from `poll`: other threads write a byte, the loop
/// drains it. Signal handlers may write to it (write(2) is async-signal-safe).
final class WakePipe: @unchecked Sendable {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws(TerminalError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .system("pipe", errno) }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }

    /// Waits until standard input is readable (when `input` is set: not after it ended), a
    /// wake-up arrives, a signal interrupts, or `milliseconds` pass.
    func wait(milliseconds: Int32, input: Bool = true) {
        var fds = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, input ? 2 : 1, milliseconds)
        if fds[0].revents != 0 { drain() }
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }
}
