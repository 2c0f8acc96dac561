import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to standard error with `write(2)`: one call per line, retried on
/// interruption, so lines from several threads never interleave.
enum StandardError {
    static func writeLine(_ line: String) {
        let bytes = StandardStream.terminalSafe(line)
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
