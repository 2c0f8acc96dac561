/// The wall-clock time of the host, as rules see it: the day of the week and the minute of the
/// day, in local time. The IO layer reads the clock; the core only compares.
public struct LocalTime: Hashable, Sendable, CustomStringConvertible {
    /// 0 is Sunday, 1 Monday… 6 Saturday (as `tm_wday`).
    public var weekday: Int
    /// Minutes since midnight, 0..<1440.
    public var minuteOfDay: Int

    public init(weekday: Int, minuteOfDay: Int) {
        self.weekday = ((weekday % 7) + 7) % 7
        self.minuteOfDay = ((minuteOfDay % 1440) + 1440) % 1440
    }

    public var description: String {
        "\(TimeWindow.dayNames[weekday]) " + TimeWindow.clock(minuteOfDay)
    }
}

/// When a rule applies: days of the week and a time of day, in local time:
/// `"Mon-Fri 09:00-18:00"`, `"Sat,Sun"`, `"22:00-06:00"` (past midnight), `"Mon 08:00-12:00"`.
public struct TimeWindow: Hashable, Sendable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// Which days (0 Sunday … 6 Saturday) the window opens on.
    let days: Set<Int>
    /// The minutes of the day it covers, start inclusive, end exclusive; `nil` for all day.
    /// An end before the start runs past midnight into the next day.
    let minutes: (start: Int, end: Int)?

    static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]

    /// Why a time window was refused.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(_ text: String) throws(ParseError) {
        self.text = text
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(parts.count) else {
            throw ParseError(description: "'\(text)' is not a time window; write \"Mon-Fri 09:00-18:00\", \"Sat,Sun\" or \"22:00-06:00\"")
        }
        var days = Set(0..<7)
        var minutes: (Int, Int)?
        for part in parts {
            if part.first?.isNumber == true {
                guard minutes == nil else { throw ParseError(description: "'\(text)' gives two times of day") }
                minutes = try Self.range(part)
            } else {
                guard days.count == 7 else { throw ParseError(description: "'\(text)' gives the days twice") }
                days = try Self.days(part)
            }
        }
        self.days = days
        self.minutes = minutes
    }

    public static func == (lhs: TimeWindow, rhs: TimeWindow) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// `true` when `time` falls in the window. Past midnight, the part after midnight belongs to
    /// the day the window opened on (`Fri 22:00-02:00` covers Saturday 01:00).
    public func contains(_ time: LocalTime) -> Bool {
        guard let (start, end) = minutes else { return days.contains(time.weekday) }
        if start < end { return days.contains(time.weekday) && (start..<end).contains(time.minuteOfDay) }
        if time.minuteOfDay >= start { return days.contains(time.weekday) }
        return time.minuteOfDay < end && days.contains((time.weekday + 6) % 7)
    }

    public var description: String { text }

    private static func days(_ text: Substring) throws(ParseError) -> Set<Int> {
        var days = Set<Int>()
        for item in text.split(separator: ",") {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count) else { throw ParseError(description: "'\(item)' is not a day or a range of days") }
            let first = try day(ends[0])
            let last = try ends.count == 2 ? day(ends[1]) : first
            var current = first
            while true {
                days.insert(current)
                if current == last { break }
                current = (current + 1) % 7
            }
        }
        return days
    }

    private static func day(_ text: Substring) throws(ParseError) -> Int {
        guard let index = dayNames.firstIndex(where: { $0.lowercased() == text.lowercased() }) else {
            throw ParseError(description: "'\(text)' is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun")
        }
        return index
    }

    private static func range(_ text: Substring) throws(ParseError) -> (Int, Int) {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2 else { throw ParseError(description: "'\(text)' is not a time range; write 09:00-18:00") }
        let (start, end) = (try minute(ends[0]), try minute(ends[1]))
        guard start != end else { throw ParseError(description: "'\(text)' is empty; write 00:00-24:00 for the whole day") }
        return (start, end)
    }

    private static func minute(_ text: Substring) throws(ParseError) -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]), minutes < 60,
              hours < 24 || (hours == 24 && minutes == 0)
        else { throw ParseError(description: "'\(text)' is not a time of day; write HH:MM, 00:00 to 24:00") }
        return hours * 60 + minutes
    }

    static func clock(_ minute: Int) -> String {
        let hours = minute / 60, minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
