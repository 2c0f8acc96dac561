import Foundation

extension Dashboard {
    /// How long decision keys do nothing after the line under the cursor changed by something
    /// other than the operator's own move.
    static let decisionPause: TimeInterval = 0.3

    /// The lines of the pending table: the rows the filter shows, and the place of the selected
    /// request if it left.
    public func tableLines() -> [TableLine] {
        var lines = visibleRows().map(TableLine.request)
        if let departed { lines.insert(.departed(departed), at: min(departed.position, lines.count)) }
        return lines
    }

    /// The ID of the request on table line `index` (`nil` for the departed line or past the end).
    func lineID(at index: Int) -> String? {
        let rows = visibleRows()
        let rowIndex = departed.map { index == $0.position ? -1 : index > $0.position ? index - 1 : index } ?? index
        return rows.indices.contains(rowIndex) ? rows[rowIndex].id : nil
    }

    mutating func pauseDecisions(at moment: Date) {
        decisionsPausedUntil = max(decisionsPausedUntil, moment.addingTimeInterval(Self.decisionPause))
    }

    /// After messages changed the rows: the selected request keeps the cursor while it is
    /// shown; when it left, the cursor stays on its place (``DepartedSelection``). The first
    /// shown row stays first, so rows that arrive above the view do not move it; those are
    /// counted in ``unseenAbove``. A line under the cursor that moved or changed pauses
    /// decision keys.
    mutating func followSelection() {
        let rows = visibleRows()
        let lineBefore = selectedIndex - scroll
        defer {
            keepView(rows: rows)
            if selectedIndex - scroll != lineBefore { pauseDecisions(at: lastMessageAt) }
            scrollAnchor = nil
            pendingArrivals = []
        }
        if var departed {
            departed.position = departed.next.flatMap { id in rows.firstIndex { $0.id == id } } ?? min(departed.position, rows.count)
            departed.next = rows.indices.contains(departed.position) ? rows[departed.position].id : nil
            self.departed = departed
            selectedIndex = departed.position
            return
        }
        guard let id = selectedID else {
            guard !rows.isEmpty else { return }
            selectedIndex = 0
            selectedID = rows[0].id
            pauseDecisions(at: lastMessageAt)
            return
        }
        if let index = rows.firstIndex(where: { $0.id == id }) {
            selectedIndex = index
            return
        }
        let position = min(selectedIndex, rows.count)
        departed = DepartedSelection(
            id: id, text: departureOfSelected ?? Departure.noLongerPending(id), position: position,
            next: rows.indices.contains(position) ? rows[position].id : nil)
        departureOfSelected = nil
        selectedID = nil
        selectedIndex = position
        pauseDecisions(at: lastMessageAt)
    }

    /// Keeps the anchored row first, counts arrivals above it, keeps the cursor in view.
    private mutating func keepView(rows: [PendingRow]) {
        let lineCount = rows.count + (departed == nil ? 0 : 1)
        if let anchor = scrollAnchor, let index = lineIndex(of: anchor, in: rows) { scroll = index }
        for id in pendingArrivals {
            if let index = lineIndex(of: id, in: rows), index < scroll { unseenAbove.insert(id) }
        }
        keepSelectionVisible(rowCount: lineCount)
    }

    /// Forgets the arrivals above the view that are now shown (or gone).
    mutating func forgetShownArrivals() {
        guard !unseenAbove.isEmpty else { return }
        let rows = visibleRows()
        unseenAbove = unseenAbove.filter { id in lineIndex(of: id, in: rows).map { $0 < scroll } ?? false }
    }

    private func lineIndex(of id: String, in rows: [PendingRow]) -> Int? {
        guard let index = rows.firstIndex(where: { $0.id == id }) else { return nil }
        guard let departed else { return index }
        return index >= departed.position ? index + 1 : index
    }

    /// After the operator changed what the table shows (filter, sort): the selected request
    /// keeps the cursor if it is still shown, else the first row takes it.
    mutating func reselect() {
        departed = nil
        let rows = visibleRows()
        if let id = selectedID, let index = rows.firstIndex(where: { $0.id == id }) {
            selectedIndex = index
        } else {
            selectedIndex = 0
            selectedID = rows.first?.id
        }
        unseenAbove = []
        keepSelectionVisible(rowCount: rows.count)
    }

    /// Moves the selection by `offset` lines (clamped); from the place of a request that left,
    /// down is the row that took its place and up the one above. The operator chose the line:
    /// decision keys act at once.
    mutating func moveSelection(by offset: Int) {
        let rows = visibleRows()
        let current: Int
        if let departed {
            self.departed = nil
            current = offset > 0 ? departed.position - 1 : departed.position
        } else {
            current = selectedID.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        }
        guard !rows.isEmpty else {
            selectedIndex = 0
            return
        }
        selectedIndex = max(0, min(rows.count - 1, current.addingReportingOverflow(offset).partialValue))
        selectedID = rows[selectedIndex].id
        decisionsPausedUntil = .distantPast
        if showsDetail {
            lowerScroll = 0
            finished = nil
        }
        keepSelectionVisible(rowCount: rows.count)
        forgetShownArrivals()
    }

    /// Selects the line at `line` of the table body.
    mutating func select(bodyLine line: Int) {
        focus = .pending
        let index = scroll + line
        guard let id = lineID(at: index) else { return }
        departed = nil
        let rows = visibleRows()
        selectedIndex = rows.firstIndex { $0.id == id } ?? 0
        selectedID = id
        decisionsPausedUntil = .distantPast
    }

    mutating func keepSelectionVisible(rowCount: Int? = nil) {
        let count = rowCount ?? (visibleRows().count + (departed == nil ? 0 : 1))
        let page = max(1, layout.pendingBody.height)
        if selectedIndex < scroll { scroll = selectedIndex }
        if selectedIndex >= scroll + page { scroll = selectedIndex - page + 1 }
        scroll = max(0, min(scroll, max(0, count - page)))
    }

    /// Scrolls the detail down by `lines` (negative: up).
    mutating func scrollLower(by lines: Int) {
        lowerScroll = max(0, min(Int(Int32.max), lowerScroll.addingReportingOverflow(lines).partialValue))
    }

    var pageSize: Int { max(1, layout.pendingBody.height - 1) }
}
