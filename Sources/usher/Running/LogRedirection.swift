#if canImport(Glibc)
import Glibc
#endif

/// While the dashboard owns the terminal, standard error goes to the log file (or nowhere), so
/// that no log line or runtime message lands on the screen; ``restore()`` gives it back.
struct LogRedirection {
    private let saved: Int32

    /// Redirects standard error to `path` (appending, created 0600), or to `/dev/null`.
    init(path: String?) throws {
        let target = path ?? "/dev/null"
        let descriptor = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure("--log-file: cannot open \(target): \(String(cString: strerror(errno)))", code: .usage)
        }
        saved = dup(STDERR_FILENO)
        dup2(descriptor, STDERR_FILENO)
        close(descriptor)
    }

    func restore() {
        guard saved >= 0 else { return }
        dup2(saved, STDERR_FILENO)
    }
}
