#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The lock that makes one daemon at a time the owner of a control socket path: `PATH.lock`,
/// held with `flock(2)` from before a stale socket is looked at until the socket is removed at
/// stop. Without it, two daemons starting at once could both find the old socket stale, and the
/// second would remove the socket the first had just made.
///
/// The file holds the owner's pid, for the message another daemon gets. It is removed while still
/// locked, and a daemon that locked a file someone removed meanwhile tries again, so the lock and
/// the path never part.
final class ControlSocketLock: Sendable {
    let path: String
    private let descriptor: Mutex<Int32?>

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    /// Takes the lock of `socketPath`, or says who holds it.
    static func acquire(for socketPath: String) throws(ControlSocketFile.Failure) -> ControlSocketLock {
        let path = socketPath + ".lock"
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard descriptor >= 0 else { throw .system(path, operation: "open", errno: errno) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                let holder = readPID(descriptor)
                close(descriptor)
                if code == EWOULDBLOCK { throw .inUse(socketPath, pid: holder) }
                throw .system(path, operation: "lock", errno: code)
            }
            guard isStill(path, descriptor) else {
                close(descriptor)  // removed by its last owner after we opened it: take the new one
                continue
            }
            writePID(descriptor)
            return ControlSocketLock(path: path, descriptor: descriptor)
        }
    }

    /// Removes the lock file and lets go; later calls do nothing.
    func release() {
        guard let descriptor = descriptor.withLock({ value in defer { value = nil }; return value }) else { return }
        unlink(path)
        close(descriptor)
    }

    deinit {
        release()
    }

    /// `true` when `path` still names the file open as `descriptor`.
    private static func isStill(_ path: String, _ descriptor: Int32) -> Bool {
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, lstat(path, &named) == 0 else { return false }
        return opened.st_ino == named.st_ino && opened.st_dev == named.st_dev
    }

    private static func writePID(_ descriptor: Int32) {
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer.prefix(count).filter { (0x30...0x39).contains($0) }, as: UTF8.self))
    }
}
