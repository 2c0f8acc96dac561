#if canImport(Glibc)
import Glibc
#endif
import UsherCore

/// The host's local time for rules with a `time` window, from the wall clock and the local time
/// zone (`TZ`, `/etc/localtime`).
enum LocalClock {
    /// The local time now (the moment is ignored: the core asks at the moment it evaluates).
    @Sendable static func now(_ moment: Moment) -> LocalTime {
        var seconds = time(nil)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return LocalTime(weekday: Int(parts.tm_wday), minuteOfDay: Int(parts.tm_hour) * 60 + Int(parts.tm_min))
    }
}
