import UsherWire
import UsherCore

/// The host listeners pane: every TCP listener of the host with its kernel accept queue (like a
/// live `ss -lnt`), a fill gauge and a sparkline of depth per row, full queues highlighted; or,
/// after Enter, the processes holding the selected one.
struct HostListenersPane {
    let dashboard: Dashboard
    let drawing: LineDrawing

    var titles: [(String, Slot)] {
        let focused = dashboard.hostPaneHasFocus
        guard let host = dashboard.daemon.host else { return [drawing.paneTitle("Host listeners", focused: focused)] }
        let count = dashboard.hostFilter.isEmpty
            ? "\(host.listeners.count)" : "\(dashboard.hostRows().count) of \(host.listeners.count)"
        var titles: [(String, Slot)] = [drawing.paneTitle("Host listeners (\(count))", focused: focused)]
        let full = host.saturatedCount
        titles.append(("\(full) full", full > 0 ? .gaugeFull : .muted))
        if !dashboard.hostFilter.isEmpty { titles.append(("filter: \(dashboard.hostFilter)", .prompt)) }
        titles.append(("sort: \(dashboard.hostSort.rawValue)\(dashboard.hostDescending ? " (reversed)" : "")", .muted))
        if let somaxconn = host.latest.somaxconn { titles.append(("somaxconn \(somaxconn)", .muted)) }
        if let overflows = host.latest.overflowsPerSecond {
            titles.append(("overflows \(Numbers.rate(overflows))", overflows > 0 ? .gaugeFull : .muted))
        }
        return titles
    }

    func draw(into canvas: inout Canvas, body: Rect) {
        guard body.height > 0 else { return }
        guard dashboard.daemon.host != nil else {
            canvas.put(
                "usher is not sampling the host's listeners (it could not open a netlink socket; see its log).",
                x: body.x + 1, y: body.y, slot: .muted, limit: body.width - 2)
            return
        }
        if dashboard.showsHostProcess, let listener = dashboard.selectedHostListener {
            return drawProcesses(of: listener, into: &canvas, body: body)
        }
        let rows = dashboard.hostRows()
        let columns = Columns(width: body.width - 2, addressWidth: rows.map { $0.address.count }.max() ?? 10)
        canvas.fill(body.row(0), slot: .columnHeader)
        canvas.put(columns.header, x: body.x + 1, y: body.y, slot: .columnHeader, limit: body.width - 2)
        guard !rows.isEmpty else {
            let message = dashboard.hostFilter.isEmpty
                ? "No TCP listener on this host."
                : "No listener matches '\(dashboard.hostFilter)'. Press \\ to clear the filter."
            canvas.put(message, x: body.x + 1, y: body.y + 1, slot: .muted, limit: body.width - 2)
            return
        }
        let selected = dashboard.selectedHostListener?.id
        let visible = rows.dropFirst(dashboard.hostScroll).prefix(body.height - 1)
        for (line, listener) in visible.enumerated() {
            drawRow(listener, columns: columns, selected: listener.id == selected, into: &canvas, rect: body.row(line + 1))
        }
        if rows.count > body.height - 1 {
            let position = "\(dashboard.hostScroll + 1)-\(dashboard.hostScroll + visible.count) of \(rows.count)"
            canvas.put(" \(position) ", x: body.maxX - position.count - 3, y: body.maxY, slot: .muted)
        }
    }

    /// Column widths for a pane `width` wide; the gauge and the graph shrink, then go, on narrow
    /// screens.
    struct Columns {
        let address: Int
        let gauge: Int
        let graph: Int
        let full = 14

        init(width: Int, addressWidth: Int) {
            address = min(max(addressWidth, 18), 40)
            let free = width - address - 2 * 7 - full - 12 - 6
            gauge = free >= 30 ? 10 : 0
            graph = max(0, min(40, free - (gauge > 0 ? gauge + 3 : 0)))
        }

        var header: String {
            var text = "ADDRESS".padding(to: address) + " " + "RECV-Q".padding(to: 6, left: true) + " "
                + "SEND-Q".padding(to: 6, left: true) + " "
            if gauge > 0 { text += "FILL".padding(to: gauge + 2) + " " }
            if graph >= 4 { text += "DEPTH".padding(to: graph) + " " }
            return text + "FULL".padding(to: full) + " PROCESS"
        }
    }

    private func drawRow(
        _ listener: WireHostListener, columns: Columns, selected: Bool, into canvas: inout Canvas, rect: Rect
    ) {
        let focused = selected && dashboard.hostPaneHasFocus
        let slot: Slot = focused ? .rowSelected : listener.saturated ? .overflowed : .row
        if focused { canvas.fill(rect, slot: .rowSelected) }
        var x = rect.x + 1
        let end = rect.maxX - 1
        x += canvas.put(listener.address.padding(to: columns.address) + " ", x: x, y: rect.y, slot: slot, limit: end - x)
        x += canvas.put("\(listener.depth)".padding(to: 6, left: true) + " ", x: x, y: rect.y, slot: focused ? slot : .value, limit: end - x)
        x += canvas.put("\(listener.limit)".padding(to: 6, left: true) + " ", x: x, y: rect.y, slot: slot, limit: end - x)
        if columns.gauge > 0 {
            let gauge = Meter.gauge(value: listener.depth, limit: listener.limit, width: columns.gauge, drawing: drawing)
            x += canvas.put("[", x: x, y: rect.y, slot: .border)
            x += canvas.put(gauge.filled, x: x, y: rect.y, slot: listener.saturated ? .gaugeFull : gauge.slot)
            x += canvas.put(gauge.empty, x: x, y: rect.y, slot: .gaugeEmpty)
            x += canvas.put("] ", x: x, y: rect.y, slot: .border)
        }
        if columns.graph >= 4 {
            let line = Meter.sparkline(listener.history ?? [], width: columns.graph, drawing: drawing)
            x += canvas.put(line + " ", x: x, y: rect.y, slot: .sparkline, limit: end - x)
        }
        x += canvas.put(listener.fullText.padding(to: columns.full) + " ", x: x, y: rect.y,
                        slot: listener.saturated && !focused ? .gaugeFull : slot, limit: end - x)
        canvas.put(listener.processText, x: x, y: rect.y, slot: slot, limit: end - x)
    }

    private func drawProcesses(of listener: WireHostListener, into canvas: inout Canvas, body: Rect) {
        var lines: [(String, Slot)] = []
        let queue = "\(listener.address)  Recv-Q \(listener.depth) of Send-Q \(listener.limit)"
        lines.append((queue, listener.saturated ? .gaugeFull : .value))
        if listener.saturated || listener.saturatedTotalMs > 0 || listener.dropsEstimate > 0 {
            let total = DurationText.format(.milliseconds(listener.saturatedTotalMs))
            let full = listener.saturatedMs.map { "full for \(DurationText.format(.milliseconds($0))) (\(total) in all)" }
                ?? "full \(total) in all"
            lines.append(("\(full); about \(listener.dropsEstimate) handshakes refused (estimated)", .muted))
        }
        lines.append(("\(listener.family) · uid \(listener.uid) · inode \(listener.inode)", .muted))
        if listener.processes.isEmpty {
            lines.append(("No process found holding this socket (another user's process needs root to be seen).", .muted))
        }
        for process in listener.processes {
            lines.append(("pid \(process.pid)  \(process.command)  fd \(process.fd)", .label))
            if !process.commandLine.isEmpty { lines.append(("  " + process.commandLine, .normal)) }
        }
        lines.append(("Enter: back to the list", .muted))
        for (index, line) in lines.prefix(body.height).enumerated() {
            canvas.put(line.0, x: body.x + 1, y: body.y + index, slot: line.1, limit: body.width - 2)
        }
    }
}
