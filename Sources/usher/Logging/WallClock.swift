#if canImport(Glibc)
import Glibc
#endif

/// The wall-clock time as ISO 8601 in UTC with milliseconds: `2026-11-25T14:02:11.118Z`.
enum WallClock {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = spec.tv_nsec / 1_000_000
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
            + ".\(String(milliseconds).padding(to: 3, with: "0", left: true))Z"
    }

    private static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
