#if canImport(Glibc)
import Glibc
#endif
import UsherKernel

/// Kernel settings that shape listening sockets.
public enum SystemLimits {
    /// The fallback when `/proc` cannot be read: Linux's default since 5.4.
    public static let defaultSomaxconn = 4096

    /// `net.core.somaxconn`, the most a `listen()` backlog can be; `nil` when it cannot be read.
    public static func somaxconn() -> Int? {
        HostSettings.somaxconn()
    }

    /// The soft limit on open files (`ulimit -n`); `nil` when unlimited or unknown.
    public static func openFileLimit() -> Int? {
        var limits = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0,
              limits.rlim_cur != rlim_t.max
        else { return nil }
        return Int(clamping: limits.rlim_cur)
    }
}
