import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Standard error into a log file (or nowhere): while the dashboard owns the terminal no log
/// line or runtime message lands on the screen, and `usher serve --log-file` appends there.
/// The file is bounded: past ``limit`` bytes it becomes `FILE.1` (the one before is dropped)
/// and a new one starts. ``restore()`` gives standard error back.
struct LogRedirection {
    /// The size a log file grows to before it is rotated.
    static let limit = 16 << 20

    private let saved: Int32

    private struct Rotation {
        var path: String
        var written: Int
        var limit: Int
    }

    private static let rotation = Mutex<Rotation?>(nil)

    /// Redirects standard error to `path` (appending, created 0600), or to `/dev/null`.
    init(path: String?, limit: Int = LogRedirection.limit) throws {
        let target = path ?? "/dev/null"
        guard let descriptor = Self.open(target) else {
            throw CommandFailure("--log-file: cannot open \(target): \(String(cString: strerror(errno)))", code: .usage)
        }
        saved = dup(STDERR_FILENO)
        var size = stat()
        let written = fstat(descriptor, &size) == 0 ? Int(size.st_size) : 0
        dup2(descriptor, STDERR_FILENO)
        close(descriptor)
        if let path { Self.rotation.withLock { $0 = Rotation(path: path, written: written, limit: limit) } }
    }

    func restore() {
        Self.rotation.withLock { $0 = nil }
        guard saved >= 0 else { return }
        dup2(saved, STDERR_FILENO)
    }

    /// Counts a line written to standard error; rotates the file once it passes its limit.
    static func didWrite(_ count: Int) {
        rotation.withLock { rotation in
            guard var current = rotation else { return }
            current.written += count
            if current.written > current.limit {
                rename(current.path, current.path + ".1")
                if let descriptor = open(current.path) {
                    dup2(descriptor, STDERR_FILENO)
                    close(descriptor)
                }
                current.written = 0
            }
            rotation = current
        }
    }

    private static func open(_ path: String) -> Int32? {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        return descriptor >= 0 ? descriptor : nil
    }
}
