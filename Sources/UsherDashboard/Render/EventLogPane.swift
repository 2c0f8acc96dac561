/// The event log: the newest events at the bottom, scrolled back with the focus on it.
struct EventLogPane {
    let dashboard: Dashboard
    let drawing: LineDrawing

    var title: (String, Slot) {
        let focused = dashboard.focus == .lower && !dashboard.showsDetail
        let back = dashboard.lowerScroll > 0 ? " (\(dashboard.lowerScroll) back)" : ""
        return drawing.paneTitle("Events\(back)", focused: focused)
    }

    func draw(into canvas: inout Canvas, body: Rect, scrolledBack: Int) {
        let events = dashboard.daemon.events
        guard !events.isEmpty else {
            canvas.put("Accepted, rejected, withdrawn and expired requests appear here.", x: body.x + 1, y: body.y, slot: .muted, limit: body.width - 2)
            return
        }
        let back = min(scrolledBack, max(0, events.count - body.height))
        let end = events.count - back
        let start = max(0, end - body.height)
        for (line, entry) in events[start..<end].enumerated() {
            var x = body.x + 1
            let limit = body.maxX - 1
            x += canvas.put(Numbers.clock(entry.at, face: dashboard.options.clockFace) + " ", x: x, y: body.y + line, slot: .muted, limit: limit - x)
            x += canvas.put(entry.subject + " ", x: x, y: body.y + line, slot: .value, limit: limit - x)
            canvas.put(entry.text, x: x, y: body.y + line, slot: entry.slot, limit: limit - x)
        }
    }
}
