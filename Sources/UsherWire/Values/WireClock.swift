import Foundation
#if canImport(Glibc)
import Glibc
#endif
import UsherCore

/// Turns monotonic `Moment`s into wall-clock times for the wire (RFC 3339 with milliseconds,
/// UTC), using one reading of both clocks.
public struct WireClock: Sendable {
    /// The monotonic moment and the wall-clock time read together.
    public var now: Moment
    public var wallNow: Date

    public init(now: Moment, wallNow: Date = Date()) {
        self.now = now
        self.wallNow = wallNow
    }

    /// The wall-clock time of `moment`.
    public func date(_ moment: Moment) -> Date {
        let seconds = Double((moment - now).nanosecondsClamped) / 1e9
        return wallNow.addingTimeInterval(seconds)
    }

    /// `moment` as `2026-11-25T10:00:00.123Z`.
    public func text(_ moment: Moment) -> String {
        Self.format(date(moment))
    }

    /// `2026-11-25T10:00:00.123Z`, written here with `gmtime_r`: no formatter shared between
    /// the threads that write times (the event thread, the journal, control connections), and
    /// cheaper than Foundation's ISO 8601 style, whose text it matches.
    public static func format(_ date: Date) -> String {
        // From the reference date, as a `Date` holds it, and the milliseconds cut, not rounded:
        // the same text as Foundation's style.
        let sinceReference = date.timeIntervalSinceReferenceDate
        let whole = sinceReference.rounded(.down)
        let remainder = min(999, max(0, Int((sinceReference - whole) * 1000)))
        var seconds = time_t(whole + Date.timeIntervalBetween1970AndReferenceDate)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ value: Int32, _ count: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, count - text.count)) + text
        }
        return digits(parts.tm_year + 1900, 4) + "-" + digits(parts.tm_mon + 1, 2) + "-" + digits(parts.tm_mday, 2)
            + "T" + digits(parts.tm_hour, 2) + ":" + digits(parts.tm_min, 2) + ":" + digits(parts.tm_sec, 2)
            + "." + digits(Int32(remainder), 3) + "Z"
    }

    /// Reads a time written by ``format(_:)`` (a format style of its own each time: see there).
    public static func parse(_ text: String) -> Date? {
        try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// Whole milliseconds from `start` to `end`, never negative.
    public static func milliseconds(from start: Moment, to end: Moment) -> Int64 {
        max(0, (end - start).nanosecondsClamped / 1_000_000)
    }
}
