extension Dashboard {
    /// Keeps a row selected when rows come and go: the same request while it is shown, else
    /// the row now at the same place.
    mutating func followSelection() {
        let rows = visibleRows()
        guard !rows.isEmpty else {
            selectedID = nil
            selectedIndex = 0
            scroll = 0
            return
        }
        if let id = selectedID, let index = rows.firstIndex(where: { $0.id == id }) {
            selectedIndex = index
        } else {
            selectedIndex = min(selectedIndex, rows.count - 1)
            selectedID = rows[selectedIndex].id
        }
        keepSelectionVisible(rowCount: rows.count)
    }

    /// Moves the selection by `offset` rows (clamped).
    mutating func moveSelection(by offset: Int) {
        let rows = visibleRows()
        guard !rows.isEmpty else { return }
        let current = selectedID.flatMap { id in rows.firstIndex { $0.id == id } } ?? 0
        selectedIndex = max(0, min(rows.count - 1, current + offset))
        selectedID = rows[selectedIndex].id
        lowerScroll = showsDetail ? 0 : lowerScroll
        keepSelectionVisible(rowCount: rows.count)
    }

    /// Selects the row at `line` of the table body.
    mutating func select(bodyLine line: Int) {
        let rows = visibleRows()
        let index = scroll + line
        guard rows.indices.contains(index) else { return }
        selectedIndex = index
        selectedID = rows[index].id
        focus = .pending
    }

    mutating func keepSelectionVisible(rowCount: Int? = nil) {
        let count = rowCount ?? visibleRows().count
        let page = max(1, layout.pendingBody.height)
        if selectedIndex < scroll { scroll = selectedIndex }
        if selectedIndex >= scroll + page { scroll = selectedIndex - page + 1 }
        scroll = max(0, min(scroll, max(0, count - page)))
    }

    /// Scrolls the lower pane down by `lines` (negative: up). The event log counts back from
    /// its newest line; the detail counts from its first.
    mutating func scrollLower(by lines: Int) {
        let delta = showsDetail ? lines : -lines
        lowerScroll = max(0, min(Int(Int32.max), lowerScroll.addingReportingOverflow(delta).partialValue))
    }

    var pageSize: Int { max(1, layout.pendingBody.height - 1) }
}
