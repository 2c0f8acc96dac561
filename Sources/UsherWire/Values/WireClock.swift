import Foundation
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

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func format(_ date: Date) -> String {
        style.format(date)
    }

    /// Reads a time written by ``format(_:)``.
    public static func parse(_ text: String) -> Date? {
        try? style.parse(text)
    }

    /// Whole milliseconds from `start` to `end`, never negative.
    public static func milliseconds(from start: Moment, to end: Moment) -> Int64 {
        max(0, (end - start).nanosecondsClamped / 1_000_000)
    }
}
