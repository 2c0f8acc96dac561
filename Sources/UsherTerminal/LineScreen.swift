import Foundation
import UsherDashboard
#if canImport(Glibc)
import Glibc
#endif

/// The line mode (as `top -b`): each frame that differs from the last is printed as plain text
/// (no escape sequence, no colour), at most one per refresh interval unless a line was typed,
/// and keys are read a line at a time, so the dashboard works on a terminal that cannot move
/// the cursor (`TERM=dumb`, an editor's shell), through a screen reader, or in a log.
///
/// On a terminal, signal characters are read as keys (Ctrl-C asks as `q` does) while the
/// line discipline still echoes and edits the line; the terminal's modes are put back at the end.
final class LineScreen: DashboardScreen {
    let size: (width: Int, height: Int)
    private let interval: TimeInterval
    private var lastFrame: String?
    private var lastPrint = Date.distantPast
    private var printNext = true
    private var pending: [UInt8] = []
    /// What each read fills, kept between reads.
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private(set) var readsInput = true
    private var saved: termios?

    init(width: Int, height: Int, interval: TimeInterval) {
        size = (width, height)
        self.interval = interval
        takeSignalCharactersAsKeys()
    }

    /// On a terminal: Ctrl-C, Ctrl-Z and Ctrl-\\ reach the dashboard as characters of the line.
    private func takeSignalCharactersAsKeys() {
        var modes = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &modes) == 0 else { return }
        saved = modes
        TerminalRestore.install()
        modes.c_lflag &= ~tcflag_t(ISIG)
        tcsetattr(STDIN_FILENO, TCSANOW, &modes)
    }

    func stop() {
        guard var modes = saved else { return }
        tcsetattr(STDIN_FILENO, TCSANOW, &modes)
        TerminalRestore.uninstall()
        saved = nil
    }

    func readInput(resized: inout Bool) -> [DashboardInputEvent] {
        guard readsInput else { return [] }
        while pending.count < Self.longestLine {
            var ready = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 0) > 0 else { break }
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            if count <= 0 {
                if count == 0 || (errno != EINTR && errno != EAGAIN) { readsInput = false }
                break
            }
            pending += buffer[0..<count]
        }
        var events: [DashboardInputEvent] = []
        while let end = pending.firstIndex(of: 0x0A) {
            events.append(.line(Self.keys(pending[..<end])))
            pending.removeSubrange(...end)
        }
        if pending.count >= Self.longestLine || (!readsInput && !pending.isEmpty) {
            events.append(.line(Self.keys(pending[...])))
            pending.removeAll()
        }
        if !events.isEmpty { printNext = true }
        return events
    }

    /// A line longer than this is taken as it is (nothing waits for its end unbounded).
    static let longestLine = 4096

    /// The keys of one line: characters, and control characters as their keys (a trailing
    /// carriage return dropped).
    static func keys(_ bytes: ArraySlice<UInt8>) -> [Key] {
        var line = bytes
        if line.last == 0x0D { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self).compactMap { character in
            guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return .character(character) }
            return scalar.value < 0x20 || scalar.value == 0x7F ? KeyCodes.character(scalar.value) : .character(character)
        }
    }

    func draw(_ canvas: Canvas) {
        let now = Date()
        guard printNext || now.timeIntervalSince(lastPrint) >= interval else { return }
        let frame = canvas.text
        guard frame != lastFrame else { return }
        StandardLine.write("\n" + frame + "\n")
        lastFrame = frame
        lastPrint = now
        printNext = false
    }

    func bell() {
        if isatty(STDOUT_FILENO) == 1 { StandardLine.write("\u{07}") }
    }

    func flashScreen() { bell() }

    func suspend() {
        stop()
        ProcessStop.untilContinued()
        takeSignalCharactersAsKeys()
        invalidate()
    }

    func invalidate() {
        lastFrame = nil
        printNext = true
    }

    func setTheme(_ theme: Theme) {}
}

/// Writes to standard output whole, retrying short writes.
enum StandardLine {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
