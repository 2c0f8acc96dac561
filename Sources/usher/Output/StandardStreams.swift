#if canImport(Glibc)
import Glibc
#endif

/// Writes whole lines to standard error with `write(2)`: one call per line, retried on
/// interruption, so lines from several threads never interleave.
enum StandardError {
    static func writeLine(_ line: String) {
        StandardStream.write(Array(line.utf8) + [0x0A], to: 2)
    }
}

/// Writes to standard output without buffering, so a reader of a pipe (`usher watch | …`) sees
/// each line as soon as it is written.
enum StandardOutput {
    static func writeLine(_ line: String) {
        StandardStream.write(Array(line.utf8) + [0x0A], to: 1)
    }

    static func write(_ bytes: some Sequence<UInt8>) {
        StandardStream.write(Array(bytes), to: 1)
    }
}

private enum StandardStream {
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
