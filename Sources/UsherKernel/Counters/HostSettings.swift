#if canImport(Glibc)
import Glibc
#endif

/// Kernel settings that bound listeners.
public enum HostSettings {
    /// `net.core.somaxconn`: the largest accept queue `listen()` may ask for; `nil` when it cannot
    /// be read.
    public static func somaxconn(root: String = "/proc") -> Int? {
        ProcFiles.text("\(root)/sys/net/core/somaxconn").flatMap { text in
            text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
        }
    }

    /// The host's listen counters now.
    public static func listenCounters(root: String = "/proc") -> ListenCounters? {
        ProcFiles.text("\(root)/net/netstat").flatMap(ListenCounters.parse(netstat:))
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
