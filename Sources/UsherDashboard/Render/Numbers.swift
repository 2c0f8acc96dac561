import Foundation
import UsherWire
import UsherCore

/// Numbers and times as the dashboard writes them.
enum Numbers {
    /// `1,204`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    /// `12/s`, `0.4/s`.
    static func rate(_ perSecond: Double) -> String {
        if perSecond >= 9.95 || perSecond == 0 { return "\(Int(perSecond.rounded()))/s" }
        return String(format: "%.1f/s", perSecond)
    }

    /// `12.4s`, `850ms`, `5m`: the time from `start` to `end`, never negative.
    static func duration(from start: Date, to end: Date) -> String {
        let milliseconds = max(0, Int64((end.timeIntervalSince(start) * 1000).rounded(.down)))
        return DurationText.format(.milliseconds(milliseconds))
    }

    /// `14:02:11`.
    static func clock(_ date: Date, face: ClockFace) -> String {
        String(EventText.time(date, face: face).prefix(8))
    }
}
