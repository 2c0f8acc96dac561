import Foundation
import UsherWire

/// The event log as one list: the lines read from the journal, then the live ones. Each line has
/// a serial that stays its own while lines come and go (live lines count up from the first ever
/// logged, journal lines count down from -1), so that a cursor on a line stays on it.
extension DaemonView {
    /// Lines in the log.
    public var logCount: Int { history.entries.count + events.count }

    /// The line at `index` (0 is the oldest).
    public func logLine(at index: Int) -> EventLogEntry {
        index < history.entries.count ? history.entries[index] : events[index - history.entries.count]
    }

    /// The serial of the line at `index`.
    func logSerial(at index: Int) -> Int {
        index < history.entries.count ? index - history.entries.count : eventsTrimmed + index - history.entries.count
    }

    /// The index of the line with `serial`, or of the nearest line when it is gone.
    func logIndex(ofSerial serial: Int) -> Int {
        let index = serial < 0 ? history.entries.count + serial : history.entries.count + serial - eventsTrimmed
        return max(0, min(logCount - 1, index))
    }

    /// Applies a page of the journal: older lines, or the row of a finished request.
    mutating func receive(_ page: WireJournalPage, for request: JournalPageRequest) -> Int {
        guard request.request == nil else {
            if let row = page.rows.last { history.keep(row) }
            return 0
        }
        return history.prepend(page)
    }

    mutating func journalFailed(_ reason: String, for request: JournalPageRequest) {
        if request.request == nil { history.fail(reason) }
    }

    mutating func startReading() {
        history.reading = true
    }
}
