import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The wall-clock time as ISO 8601 in UTC with milliseconds: `2026-11-25T14:02:11.118Z`.
enum WallClock {
    /// The text of the last second asked for, up to its seconds (`2026-11-25T14:02:11`): the
    /// log asks many times a second, and only the milliseconds change.
    private static let lastSecond = Mutex<(seconds: Int, text: String)>((-1, ""))

    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let milliseconds = Int(spec.tv_nsec / 1_000_000)
        let prefix = lastSecond.withLock { last in
            if last.seconds != spec.tv_sec { last = (spec.tv_sec, secondText(spec.tv_sec)) }
            return last.text
        }
        return prefix + "." + String(milliseconds).padding(to: 3, with: "0", left: true) + "Z"
    }

    private static func secondText(_ seconds: Int) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    private static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
