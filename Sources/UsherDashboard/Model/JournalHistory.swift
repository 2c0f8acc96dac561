import Foundation
import UsherCore
import UsherWire

/// What the dashboard read from the daemon's journal: the requests that ended before its
/// event log begins (read a page at a time as the operator scrolls back), and the rows of
/// finished requests whose detail was opened.
public struct JournalHistory: Hashable, Sendable {
    /// Log lines of requests older than the event log, oldest first (at most ``capacity``).
    public private(set) var entries: [EventLogEntry] = []
    /// The number of the oldest row read: the next page ends before it.
    public private(set) var oldestNumber: Int64?
    /// Older rows may remain in the journal.
    public private(set) var more = true
    /// A page was asked for and has not come yet.
    public internal(set) var reading = false
    /// Why the journal could not be read (it is off, or failing), when it could not.
    public private(set) var failure: String?
    /// Rows read for the detail of a request of the running daemon, by ID (the latest
    /// ``rowCapacity``).
    public private(set) var rows: [String: WireJournalRow] = [:]
    private var rowOrder: [String] = []

    /// The most lines kept from the journal.
    public static let capacity = 5000
    /// The most rows kept for details.
    public static let rowCapacity = 64
    /// Rows asked for in one page.
    public static let pageSize = 100

    public init() {}

    /// The page that continues back from what was read, ending before `until` (the oldest
    /// line of the live log) the first time; `nil` when the journal has nothing older or a
    /// page is on its way.
    func nextPage(until oldestLive: Date?) -> JournalPageRequest? {
        guard more, !reading, entries.count < Self.capacity else { return nil }
        return JournalPageRequest(
            before: oldestNumber, until: oldestNumber == nil ? oldestLive.map(WireClock.format) : nil, limit: Self.pageSize)
    }

    /// Puts a page's rows before the lines read so far; returns how many lines were added.
    mutating func prepend(_ page: WireJournalPage) -> Int {
        reading = false
        failure = nil
        let room = Self.capacity - entries.count
        let rows = page.rows.suffix(max(0, room))
        more = page.more && rows.count == page.rows.count && room > rows.count
        if let first = rows.first?.number { oldestNumber = first }
        entries.insert(contentsOf: rows.map(Self.entry), at: 0)
        return rows.count
    }

    /// Keeps `row` for the detail of its request.
    mutating func keep(_ row: WireJournalRow) {
        if rows.updateValue(row, forKey: row.id) == nil { rowOrder.append(row.id) }
        if rowOrder.count > Self.rowCapacity { rows[rowOrder.removeFirst()] = nil }
    }

    mutating func fail(_ reason: String) {
        reading = false
        failure = reason
        more = false
    }

    /// A journal row as a log line: `r12 accepted by alice (uid 1000, pid 4411), waited 2.4s`.
    static func entry(_ row: WireJournalRow) -> EventLogEntry {
        let by = row.decidedBy.map { "by \($0)" }
        let waited = "waited \(DurationText.format(.milliseconds(row.waitMs)))"
        let text = [[row.state, by].compactMap { $0 }.joined(separator: " "), waited].joined(separator: ", ")
        return EventLogEntry(
            at: WireClock.parse(row.ended) ?? Date(timeIntervalSince1970: 0), subject: row.id, text: text,
            slot: slot(row.state), requestID: row.id, journal: row)
    }

    static func slot(_ state: String) -> Slot {
        switch state {
        case "accepted": .accepted
        case "rejected", "reset": .rejected
        case "withdrawn": .withdrawn
        case "expired": .expired
        case "overflowed": .overflowed
        default: .normal
        }
    }
}
