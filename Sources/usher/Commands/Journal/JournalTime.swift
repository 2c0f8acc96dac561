import Foundation
import UsherCore

/// The times `usher log` takes: a duration back from now (`90m`, `2h`, `7d`), or a date and
/// time in local time (`2026-12-01`, `2026-12-01T03:00`, `2026-12-01 03:00:15`), or with a zone
/// (`2026-12-01T03:00Z`, `…+01:00`).
enum JournalTime {
    /// Milliseconds since the epoch.
    static func parse(_ text: String, now: Date = Date()) throws -> Int64 {
        if let back = try? JournalOptions.keep(text) {
            return milliseconds(now) - back.nanosecondsClamped / 1_000_000
        }
        if let date = date(text) { return milliseconds(date) }
        throw CommandFailure(
            "'\(text)' is not a time; write a duration back from now (90m, 2h, 7d) or a date and time (2026-12-01T03:00)",
            code: .usage)
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    private static func date(_ text: String) -> Date? {
        let normalized = text.replacingOccurrences(of: " ", with: "T")
        if normalized.hasSuffix("Z") || normalized.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil {
            for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: true), Date.ISO8601FormatStyle()] {
                if let date = try? style.parse(normalized) { return date }
            }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone, .withDashSeparatorInDate]
            return formatter.date(from: normalized)
        }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = .current
            formatter.dateFormat = format
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
