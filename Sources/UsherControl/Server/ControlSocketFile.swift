#if canImport(Glibc)
import Glibc
#endif

/// Where the control socket lives, and the checks around creating and removing it.
public enum ControlSocketFile {
    /// Why the control socket cannot be created.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        case pathTooLong(String)
        case inUse(String, pid: Int32?)
        case notASocket(String)
        case unsafeDirectory(String, reason: String)
        case system(String, operation: String, errno: Int32)

        public var description: String {
            switch self {
            case .pathTooLong(let path):
                "control socket path is \(path.utf8.count) bytes; Unix sockets allow at most 107: \(path)"
            case .inUse(let path, let pid):
                "another usher\(pid.map { " (pid \($0))" } ?? "") is serving the control socket \(path); "
                    + "stop it, or give this one its own --control PATH"
            case .notASocket(let path):
                "\(path) exists and is not a socket; remove it or choose another --control PATH"
            case .unsafeDirectory(let path, let reason):
                "control socket directory \(path) \(reason); remove it or choose another --control PATH"
            case .system(let path, let operation, let code):
                "cannot \(operation) \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    /// The default path: `$XDG_RUNTIME_DIR/usher/control.sock`, else `/run/usher/control.sock` for
    /// root, else `/tmp/usher-$UID/control.sock`.
    public static func defaultPath(environment: [String: String], uid: UInt32 = getuid()) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return "\(runtime)/usher/control.sock"
        }
        return uid == 0 ? "/run/usher/control.sock" : "/tmp/usher-\(uid)/control.sock"
    }

    /// Makes `path` ready to bind: creates its directory (mode 0700) when missing, refuses a
    /// directory owned by another user, takes the path's lock (refused while another daemon
    /// holds it), removes a stale socket left by a dead daemon and refuses a live one.
    ///
    /// - Returns: the lock, to hold until the socket is removed, and whether a stale socket was
    ///   removed.
    static func prepare(_ path: String) throws(Failure) -> (lock: ControlSocketLock, removedStale: Bool) {
        guard path.utf8.count <= 107 else { throw .pathTooLong(path) }
        try prepareDirectory(of: path)
        let lock = try ControlSocketLock.acquire(for: path)
        do throws(Failure) {
            return (lock, try removeStaleSocket(path))
        } catch {
            lock.release()
            throw error
        }
    }

    /// Removes a socket no daemon answers on; refuses a live one or anything that is not a socket.
    private static func removeStaleSocket(_ path: String) throws(Failure) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return false }
            throw .system(path, operation: "inspect", errno: errno)
        }
        guard status.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path) }
        switch probe(path) {
        case .live(let pid):
            throw .inUse(path, pid: pid)
        case .stale:
            guard unlink(path) == 0 else { throw .system(path, operation: "remove the stale socket", errno: errno) }
            return true
        case .failed(let code):
            throw .system(path, operation: "connect to", errno: code)
        }
    }

    private static func prepareDirectory(of path: String) throws(Failure) {
        let directory = parent(of: path)
        var status = stat()
        if lstat(directory, &status) != 0 {
            guard errno == ENOENT else { throw .system(directory, operation: "inspect", errno: errno) }
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
                throw .system(directory, operation: "create", errno: errno)
            }
            return
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .unsafeDirectory(directory, reason: "is not a directory") }
        guard status.st_uid == getuid() || status.st_uid == 0 else {
            throw .unsafeDirectory(directory, reason: "belongs to uid \(status.st_uid), not to you")
        }
    }

    /// Sets the socket's mode: 0600, or 0660 with the observers' group; a directory usher created
    /// becomes reachable for that group too.
    static func restrict(_ path: String, observers: ObserverGroup?) throws(Failure) {
        let mode: mode_t = observers == nil ? 0o600 : 0o660
        if let observers {
            guard chown(path, uid_t.max, observers.gid) == 0 else {
                throw .system(path, operation: "give group \(observers.name) to", errno: errno)
            }
            let directory = parent(of: path)
            var status = stat()
            if lstat(directory, &status) == 0, status.st_uid == getuid(), status.st_mode & 0o077 == 0 {
                _ = chown(directory, uid_t.max, observers.gid)
                _ = chmod(directory, 0o710)
            }
        }
        guard chmod(path, mode) == 0 else { throw .system(path, operation: "set the mode of", errno: errno) }
    }

    /// Removes the socket if it is still the one with `inode` (another daemon may have taken the
    /// path since).
    static func remove(_ path: String, inode: UInt64?) {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFSOCK else { return }
        if let inode, UInt64(status.st_ino) != inode { return }
        unlink(path)
    }

    static func inode(of path: String) -> UInt64? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return UInt64(status.st_ino)
    }

    private enum Probe {
        case live(pid: Int32?)
        case stale
        case failed(Int32)
    }

    /// Connects to an existing socket: a daemon answers (live), or nobody does (stale).
    private static func probe(_ path: String) -> Probe {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failed(errno) }
        defer { close(descriptor) }
        let result = UnixAddress.withAddress(path) { address, length in connect(descriptor, address, length) }
        if result == 0 { return .live(pid: PeerCredentials.of(descriptor: descriptor)?.pid) }
        return errno == ECONNREFUSED ? .stale : .failed(errno)
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}

/// `sockaddr_un` for a path.
enum UnixAddress {
    static func withAddress<Result>(
        _ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result
    ) -> Result {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}
