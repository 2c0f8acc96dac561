import Synchronization
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to standard error with `write(2)`: one call per line, retried on
/// interruption, so lines from several threads never interleave; or, for the lines one thread
/// writes inside ``inOneWrite(_:)``, one call for all of them.
enum StandardError {
    /// Lines held for one write: those of the thread inside ``inOneWrite(_:)``.
    private struct Held {
        var thread: UInt = 0
        var bytes: [UInt8] = []
    }

    private static let held = Mutex(Held())
    /// Held lines are written once they reach this many bytes, without waiting for the end.
    static let heldLimit = 64 << 10

    static func writeLine(_ line: String) {
        writeEscapedLine(StandardStream.terminalSafe(line))
    }

    /// Writes a line already escaped for terminals (``TerminalText``) and ended by a newline.
    static func writeEscapedLine(_ bytes: [UInt8]) {
        let thread = UInt(pthread_self())
        let full = held.withLock { held -> [UInt8]? in
            guard held.thread == thread else { return nil }
            held.bytes.append(contentsOf: bytes)
            guard held.bytes.count >= heldLimit else { return [] }
            defer { held.bytes = [] }
            return held.bytes
        }
        switch full {
        case nil: write(bytes)
        case let full?: if !full.isEmpty { write(full) }
        }
    }

    /// Runs `body`; the lines this thread writes meanwhile go out together at its end, in one
    /// call (the gate's event thread writes a round of request lines so, not one call each).
    /// Lines of other threads are written as they come.
    static func inOneWrite(_ body: () -> Void) {
        let thread = UInt(pthread_self())
        held.withLock { $0.thread = thread }
        body()
        let bytes = held.withLock { held -> [UInt8] in
            defer { held = Held() }
            return held.bytes
        }
        if !bytes.isEmpty { write(bytes) }
    }

    private static func write(_ bytes: [UInt8]) {
        StandardStream.write(bytes, to: 2)
        LogRedirection.didWrite(bytes.count)
    }
}

/// Writes to standard output without buffering, so a reader of a pipe (`usher watch | …`) sees
/// each line as soon as it is written.
enum StandardOutput {
    static func writeLine(_ line: String) {
        StandardStream.write(StandardStream.terminalSafe(line), to: 1)
    }

    /// Writes `bytes` as they are: JSON (made terminal-safe by its encoder) or a frame.
    static func write(_ bytes: some Sequence<UInt8>) {
        StandardStream.write(Array(bytes), to: 1)
    }
}

private enum StandardStream {
    /// The UTF-8 of `text`, its lines escaped for terminals (``TerminalText``) and each ended by
    /// a newline: the last guard for text that came from outside and was not escaped before.
    static func terminalSafe(_ text: String) -> [UInt8] {
        guard text.utf8.contains(0x0A) else {
            var bytes = Array(TerminalText.escaped(text).utf8)
            bytes.append(0x0A)
            return bytes
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .flatMap { Array(TerminalText.escaped($0).utf8) + [0x0A] }
    }

    static func write(_ bytes: [UInt8], to descriptor: Int32) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
