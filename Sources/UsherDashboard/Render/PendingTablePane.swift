import Foundation
import UsherWire

/// The pending table: one row per request the filter shows, the selected one highlighted and
/// kept in view, tagged ones marked; where the selected request left, a line that says why.
struct PendingTablePane {
    let dashboard: Dashboard
    let rows: [PendingRow]
    let lines: [TableLine]
    let now: Date
    let drawing: LineDrawing

    init(dashboard: Dashboard, now: Date, drawing: LineDrawing) {
        self.dashboard = dashboard
        rows = dashboard.visibleRows()
        lines = dashboard.tableLines()
        self.now = now
        self.drawing = drawing
    }

    enum ColumnID: CaseIterable { case id, age, left, peer, listener, data, condition, state }

    struct Column {
        let id: ColumnID
        let title: String
        var width: Int
        let rightAligned: Bool
        /// Columns with a higher number go first when the table is narrow.
        let dropOrder: Int
    }

    func draw(into canvas: inout Canvas, title y: Int, header: Rect, body: Rect) {
        drawTitle(into: &canvas, y: y)
        let columns = fit(columns(), into: header.width - 2)
        var x = header.x + 2
        canvas.fill(header, slot: .columnHeader)
        for column in columns {
            let text = column.rightAligned ? column.title.padding(to: column.width, left: true) : column.title
            canvas.put(text, x: x, y: header.y, slot: .columnHeader, limit: column.width)
            x += column.width + 1
        }
        guard !lines.isEmpty else { return drawEmpty(into: &canvas, body: body) }
        let visible = lines.dropFirst(dashboard.scroll).prefix(body.height)
        for (index, line) in visible.enumerated() {
            switch line {
            case .request(let row): drawRow(row, into: &canvas, rect: body.row(index), columns: columns)
            case .departed(let departed): drawDeparted(departed, into: &canvas, rect: body.row(index))
            }
        }
        if rows.isEmpty, body.height > 2 { drawEmpty(into: &canvas, body: body) }
        if lines.count > body.height {
            let position = "\(dashboard.scroll + 1)-\(dashboard.scroll + visible.count) of \(lines.count)"
            canvas.put(" \(position) ", x: body.maxX - position.count - 3, y: body.maxY, slot: .muted)
        }
    }

    /// The place of the selected request that left: what happened, and that keys wait for a move.
    private func drawDeparted(_ departed: DepartedSelection, into canvas: inout Canvas, rect: Rect) {
        canvas.fill(rect, slot: .rowSelected)
        canvas.put(String(drawing.selected), x: rect.x, y: rect.y, slot: .rowSelected)
        let text = "\(departed.text) · \(drawing.upDown) to choose another request"
        canvas.put(text, x: rect.x + 2, y: rect.y, slot: .rowSelected, limit: rect.width - 2)
    }

    private func drawTitle(into canvas: inout Canvas, y: Int) {
        let total = dashboard.daemon.rows.count
        let count = dashboard.filter.isEmpty ? "\(total)" : "\(rows.count) of \(total)"
        let focused = dashboard.focus == .pending
        var titles: [(String, Slot)] = [drawing.paneTitle("Pending (\(count))", focused: focused)]
        if let problem = dashboard.filter.problem {
            titles.append(("filter: \(dashboard.filter.text) is invalid: \(problem)", .statusError))
        } else {
            titles.append(dashboard.filter.isEmpty ? ("filter: none", .muted) : ("filter: \(dashboard.filter.text)", .prompt))
        }
        titles.append(("sort: \(dashboard.sort.rawValue)\(dashboard.descending ? " (reversed)" : "")", .muted))
        if !dashboard.tagged.isEmpty { titles.append(("\(dashboard.tagged.count) tagged", .rowTagged)) }
        if !dashboard.unseenAbove.isEmpty { titles.append(("\(dashboard.unseenAbove.count) new \(drawing.above)", .prompt)) }
        canvas.drawRule(y: y, left: drawing.teeLeft, right: drawing.teeRight, titles: titles, drawing: drawing)
    }

    private func drawEmpty(into canvas: inout Canvas, body: Rect) {
        guard body.height > 0 else { return }
        let message: String
        if let problem = dashboard.filter.problem {
            message = "\(problem). Press \\ to clear the filter."
        } else if !dashboard.filter.isEmpty {
            message = "No pending request matches '\(dashboard.filter.text)'. Press \\ to clear the filter."
        } else if let listener = dashboard.daemon.listeners.first {
            message = "No pending requests. Clients of \(listener.address) wait here for your decision."
        } else {
            message = "No pending requests."
        }
        canvas.putCentered(message, in: body.row(body.height / 2), slot: .muted)
    }

    private func drawRow(_ row: PendingRow, into canvas: inout Canvas, rect: Rect, columns: [Column]) {
        let selected = row.id == dashboard.selectedID
        let tagged = dashboard.tagged.contains(row.id)
        let base: Slot = selected ? .rowSelected : tagged ? .rowTagged : .row
        canvas.fill(rect, slot: base)
        let mark = selected ? String(drawing.selected) : tagged ? String(drawing.tagged) : " "
        canvas.put(mark, x: rect.x, y: rect.y, slot: base)
        if tagged && selected { canvas.put(String(drawing.tagged), x: rect.x + 1, y: rect.y, slot: base) }
        var x = rect.x + 2
        for column in columns {
            let (text, slot) = cell(column.id, of: row)
            let shown = column.rightAligned ? text.padding(to: column.width, left: true) : text
            canvas.put(shown, x: x, y: rect.y, slot: Self.slot(slot, selected: selected, tagged: tagged, base: base), limit: column.width)
            x += column.width + 1
        }
    }

    /// A cell's slot on a selected or tagged row: the row's, but a near timeout keeps its urgency.
    private static func slot(_ cell: Slot, selected: Bool, tagged: Bool, base: Slot) -> Slot {
        switch (cell, selected) {
        case (.gaugeFull, true): .rowSelectedUrgent
        case (.gaugeWarn, true): .rowSelectedWarn
        case (.gaugeFull, false), (.gaugeWarn, false): cell
        default: selected || tagged ? base : cell
        }
    }

    private func cell(_ column: ColumnID, of row: PendingRow) -> (String, Slot) {
        let request = row.request
        switch column {
        case .id: return (request.id, .value)
        case .age: return (Numbers.duration(from: row.arrivedAt, to: now), .row)
        case .left:
            guard let timeout = row.timeoutAt else { return ("-", .muted) }
            let left = timeout.timeIntervalSince(now)
            return (Numbers.duration(from: now, to: timeout), left < 5 ? .gaugeFull : left < 15 ? .gaugeWarn : .row)
        case .peer: return (request.client, .row)
        case .listener: return (dashboard.daemon.listenerName(request.listener), .label)
        case .data: return CallerDataText.summary(request.callerData)
        case .condition: return (conditionText(row) ?? "-", .muted)
        case .state:
            return (request.state, request.state == "deferred" ? .deferred : request.state == "admitting" ? .accepted : .pending)
        }
    }

    /// `accept (operator)`: the last condition outcome, if any.
    private func conditionText(_ row: PendingRow) -> String? {
        row.request.outcomes.last.map { "\($0.verdict) (\($0.condition))" }
    }

    // MARK: Columns

    private func columns() -> [Column] {
        let page = rows.dropFirst(dashboard.scroll).prefix(64)
        let idWidth = max(4, page.map { $0.id.count }.max() ?? 4)
        let peerWidth = min(47, max(8, page.map { TerminalWidth.of($0.request.client) }.max() ?? 15))
        let listenerWidth = max(8, page.map { dashboard.daemon.listenerName($0.request.listener).count }.max() ?? 8)
        let conditionWidth = min(28, max(9, page.map { conditionText($0)?.count ?? 1 }.max() ?? 9))
        return [
            Column(id: .id, title: "ID", width: idWidth, rightAligned: false, dropOrder: 0),
            Column(id: .age, title: "AGE", width: 6, rightAligned: true, dropOrder: 1),
            Column(id: .left, title: "LEFT", width: 6, rightAligned: true, dropOrder: 2),
            Column(id: .peer, title: "PEER", width: peerWidth, rightAligned: false, dropOrder: 1),
            Column(id: .listener, title: "LISTENER", width: listenerWidth, rightAligned: false, dropOrder: 4),
            Column(id: .data, title: "CALLER DATA", width: 12, rightAligned: false, dropOrder: 0),
            Column(id: .condition, title: "CONDITION", width: conditionWidth, rightAligned: false, dropOrder: 5),
            Column(id: .state, title: "STATE", width: 8, rightAligned: false, dropOrder: 3),
        ]
    }

    /// Drops the least needed columns until the rest fit, then gives caller data the room left.
    private func fit(_ all: [Column], into width: Int) -> [Column] {
        var columns = all
        func needed() -> Int { columns.reduce(0) { $0 + $1.width + 1 } }
        while needed() > width, let drop = columns.filter({ $0.dropOrder > 0 }).max(by: { $0.dropOrder < $1.dropOrder }) {
            columns.removeAll { $0.id == drop.id }
        }
        if let data = columns.firstIndex(where: { $0.id == .data }) {
            columns[data].width = max(1, columns[data].width + width - needed())
        }
        return columns
    }
}

/// Caller data in one line: the HTTP request line and Host, a TLS handshake, or printable bytes.
enum CallerDataText {
    static func summary(_ data: WireCallerData) -> (String, Slot) {
        if data.total == 0 { return ("(nothing sent yet)", .muted) }
        if data.httpRequest != nil || data.tlsServerName != nil { return (data.summary, .row) }
        let bytes = data.bytes
        if bytes.count >= 3, bytes[0] == 0x16, bytes[1] == 0x03 {
            return ("TLS handshake, \(data.total) bytes", .row)
        }
        return (data.preview, .row)
    }
}
