import Foundation
import UsherWire

/// A finished request whose journal row the detail shows (Enter on its line of the event log).
public struct FinishedRequest: Hashable, Sendable {
    public var id: String
    /// Its row, once read (a line read from the journal has it at once).
    public var row: WireJournalRow?
    /// Why there is no row, once the journal answered without one.
    public var missing: String?
}

extension Dashboard {
    /// True when the lower pane shows the event log and has the keyboard.
    var logHasFocus: Bool { focus == .lower && !showsDetail && !showsHost }

    /// The index of the log line under the cursor (the newest when it follows the log).
    public var logCursorIndex: Int {
        logCursor.map { daemon.logIndex(ofSerial: $0) } ?? daemon.logCount - 1
    }

    /// The index of the bottom line the log shows.
    var logBottomIndex: Int {
        logBottom.map { daemon.logIndex(ofSerial: $0) } ?? daemon.logCount - 1
    }

    /// Moves the log's cursor by `offset` lines; past the oldest line, reads an older page of
    /// the journal. Back on the newest line, the log follows new lines again.
    mutating func moveLogCursor(by offset: Int) -> [DashboardAction] {
        let count = daemon.logCount
        guard count > 0 else { return readOlder() }
        let current = logCursorIndex
        let target = max(0, min(count - 1, current.addingReportingOverflow(offset).partialValue))
        if target == count - 1 {
            logCursor = nil
            logBottom = nil
        } else {
            logCursor = daemon.logSerial(at: target)
            let height = max(1, layout.lowerBody.height)
            var bottom = logBottomIndex
            if target > bottom { bottom = target }
            if target < bottom - height + 1 { bottom = target + height - 1 }
            // Pinned while the cursor is off the newest line: new lines do not scroll it away.
            logBottom = daemon.logSerial(at: bottom)
        }
        return offset < 0 && (target == 0 || current == 0) ? readOlder() : []
    }

    /// Asks for the page of the journal before the oldest line, when there may be one.
    private mutating func readOlder() -> [DashboardAction] {
        guard options.replaying == nil, let page = daemon.history.nextPage(until: daemon.events.first?.at) else { return [] }
        daemon.startReading()
        return [.readJournal(page)]
    }

    /// Enter on a log line about a request: its journal row in the detail.
    mutating func openFinished(now: Date) -> [DashboardAction] {
        guard daemon.logCount > 0 else { return [] }
        let line = daemon.logLine(at: logCursorIndex)
        guard let id = line.requestID else { return [] }
        if line.journal == nil, daemon.rows[id] != nil {
            show(StatusMessage("\(id) is still pending: select it in the table above for its detail"), now: now)
            return []
        }
        showsDetail = true
        lowerScroll = 0
        let known = line.journal ?? daemon.history.rows[id]
        finished = FinishedRequest(id: id, row: known)
        guard known == nil else { return [] }
        return [.readJournal(JournalPageRequest(request: id, limit: 1))]
    }

    /// A page of the journal arrived.
    mutating func receive(page: WireJournalPage, for request: JournalPageRequest, now: Date) {
        let added = daemon.receive(page, for: request)
        needsRedraw = true
        if let id = request.request, finished?.id == id, finished?.row == nil {
            finished?.row = page.rows.last
            if page.rows.isEmpty {
                finished?.missing = "\(id) is not in the journal yet: it is written within a second of its end"
            }
        } else if request.request == nil {
            let text = added == 0 ? "the journal has nothing older" : "\(added) older requests from the journal"
            show(StatusMessage(text), now: now)
        }
    }

    /// The journal could not be read.
    mutating func journalFailed(_ reason: String, for request: JournalPageRequest, now: Date) {
        daemon.journalFailed(reason, for: request)
        if let id = request.request, finished?.id == id { finished?.missing = reason }
        show(StatusMessage(reason, isError: true), now: now)
    }
}
