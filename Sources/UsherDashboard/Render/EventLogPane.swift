/// The event log: the newest events at the bottom, older requests from the journal above them
/// as the operator scrolls back; the cursor (with the focus on it) marks the line Enter opens.
struct EventLogPane {
    let dashboard: Dashboard
    let drawing: LineDrawing

    var title: (String, Slot) {
        let focused = dashboard.logHasFocus
        let history = dashboard.daemon.history
        var notes: [String] = []
        let below = dashboard.daemon.logCount - 1 - dashboard.logBottomIndex
        if below > 0 { notes.append("\(below) newer below") }
        if history.reading { notes.append("reading the journal…") }
        if !history.entries.isEmpty, !history.more, !history.reading { notes.append("start of the journal") }
        let suffix = notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")"
        return drawing.paneTitle("Events\(suffix)", focused: focused)
    }

    func draw(into canvas: inout Canvas, body: Rect) {
        let daemon = dashboard.daemon
        guard daemon.logCount > 0 else {
            canvas.put("Accepted, rejected, withdrawn and expired requests appear here.", x: body.x + 1, y: body.y, slot: .muted, limit: body.width - 2)
            return
        }
        let end = min(daemon.logCount, dashboard.logBottomIndex + 1)
        let start = max(0, end - body.height)
        let cursor = dashboard.logHasFocus ? dashboard.logCursorIndex : nil
        for (line, index) in (start..<end).enumerated() {
            let entry = daemon.logLine(at: index)
            let selected = index == cursor
            let y = body.y + line
            if selected { canvas.fill(Rect(x: body.x, y: y, width: body.width, height: 1), slot: .rowSelected) }
            var x = body.x + 1
            let limit = body.maxX - 1
            let past = entry.journal != nil
            x += canvas.put(Numbers.clock(entry.at, face: dashboard.options.clockFace) + " ", x: x, y: y, slot: selected ? .rowSelected : .muted, limit: limit - x)
            x += canvas.put(entry.subject + " ", x: x, y: y, slot: selected ? .rowSelected : past ? .muted : .value, limit: limit - x)
            canvas.put(entry.text, x: x, y: y, slot: selected ? .rowSelected : entry.slot, limit: limit - x)
        }
    }
}
