/// Durations as people type them: `500ms`, `30s`, `1.5s`, `5m`, `1h`, `1m30s`.
public enum DurationText {
    /// Why a duration text could not be read.
    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case malformed(String)
        case missingUnit(String)
        case unknownUnit(String, unit: String)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .empty:
                "expected a duration such as 500ms, 30s or 5m, got an empty value"
            case .malformed(let text):
                "'\(text)' is not a duration; use a number and a unit: 500ms, 30s, 1.5s, 5m, 1h"
            case .missingUnit(let text):
                "'\(text)' has no unit; write \(text)s for seconds or \(text)ms for milliseconds"
            case .unknownUnit(let text, let unit):
                "'\(text)' has an unknown unit '\(unit)'; use ms, s, m or h"
            case .tooLarge(let text):
                "'\(text)' is too long; the most is 1000h"
            }
        }
    }

    private static let units: [(String, Double)] = [
        ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9),
    ]
    private static let maximumSeconds: Double = 1000 * 3600

    /// Reads a duration text; `0` alone is accepted as zero.
    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw .empty }
        if trimmed == "0" { return .zero }
        var seconds = 0.0
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw .malformed(text) }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { !$0.isASCIIDigit && $0 != "." }
            guard !unit.isEmpty else { throw .missingUnit(text) }
            guard let scale = units.first(where: { $0.0 == unit })?.1 else {
                throw .unknownUnit(text, unit: String(unit))
            }
            rest = rest.dropFirst(unit.count)
            seconds += value * scale
        }
        guard seconds <= maximumSeconds else { throw .tooLarge(text) }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// A short human form: `850ms`, `12.4s`, `5m`, `2m30s`, `1h5m`.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds = duration.nanosecondsClamped
        if nanoseconds < 0 { return "-" + format(.nanoseconds(-nanoseconds)) }
        let milliseconds = nanoseconds / 1_000_000
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        let totalSeconds = milliseconds / 1000
        if totalSeconds < 3600 {
            let (minutes, seconds) = totalSeconds.quotientAndRemainder(dividingBy: 60)
            return seconds == 0 ? "\(minutes)m" : "\(minutes)m\(seconds)s"
        }
        let (hours, minutes) = (totalSeconds / 60).quotientAndRemainder(dividingBy: 60)
        return minutes == 0 ? "\(hours)h" : "\(hours)h\(minutes)m"
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
