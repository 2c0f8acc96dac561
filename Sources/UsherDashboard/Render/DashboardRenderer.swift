import Foundation
import UsherWire

extension Dashboard {
    /// Draws the whole screen at the dashboard's size.
    public func render(now: Date) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        canvas.ellipsis = options.lineDrawing.ellipsis
        let layout = layout
        guard !layout.isTooSmall else {
            drawTooSmall(into: &canvas)
            return canvas
        }
        let drawing = options.lineDrawing
        drawTitle(into: &canvas, now: now)
        canvas.drawSides(rows: 1..<layout.bottomRow, drawing: drawing)
        MeterPane(daemon: daemon, drawing: drawing).draw(into: &canvas, meters: layout.meters, counters: layout.counters)
        PendingTablePane(dashboard: self, now: now, drawing: drawing)
            .draw(into: &canvas, title: layout.pendingTitleRow, header: layout.pendingHeader, body: layout.pendingBody)
        drawLower(into: &canvas, layout: layout, now: now)
        drawBottom(into: &canvas, row: layout.bottomRow)
        FunctionBar(dashboard: self, drawing: drawing, now: now).draw(into: &canvas, row: layout.functionBar)
        if let dialog {
            DecisionDialogOverlay(dialog: dialog, isStillPending: daemon.rows[dialog.requestID] != nil, drawing: drawing)
                .draw(into: &canvas)
        }
        if let prompt, case .confirm(let confirmation) = prompt {
            OverlayBox(title: [("Confirm", .paneTitle)], lines: [[(confirmation.question, .prompt)], [], [(confirmation.hint, .keyHint)]],
                       drawing: drawing).draw(into: &canvas)
        }
        if showsHelp { HelpOverlay(keyMap: shownKeys, drawing: drawing, firstLine: helpScroll).draw(into: &canvas) }
        return canvas
    }

    /// `daemon stopped at 10:02:03; reconnecting…`, or `draining (3 proxied, 8s left)`.
    func connectionText(now: Date) -> (String, Slot)? {
        if let reason = daemon.disconnection {
            let at = daemon.disconnectedAt.map { " at \(Numbers.clock($0, face: options.clockFace))" } ?? ""
            return ("\(reason)\(at)\(options.reconnects ? "; reconnecting…" : "")", .statusError)
        }
        guard let until = daemon.drainingUntil else { return nil }
        let left = Numbers.duration(from: now, to: max(now, until))
        return ("usher is stopping: draining (\(daemon.connections) proxied, \(left) left)", .statusError)
    }

    private func drawTitle(into canvas: inout Canvas, now: Date) {
        var titles: [(String, Slot)] = [("usher \(daemon.hello?.version ?? "")", .title)]
        if let hello = daemon.hello {
            titles.append(("pid \(hello.pid)", .muted))
            let role = hello.role == .observer ? "observer (read-only)" : options.readOnly ? "read-only" : "operator"
            titles.append(options.replaying.map { ($0, .prompt) } ?? (role, isReadOnly ? .prompt : .muted))
        }
        if let connection = connectionText(now: now) { titles.append(connection) }
        for alert in daemon.alerts { titles.append(("\(alert.source): \(alert.text)", .statusError)) }
        canvas.drawRule(y: 0, left: options.lineDrawing.topLeft, right: options.lineDrawing.topRight, titles: titles,
                        trailing: [(Numbers.clock(now, face: options.clockFace), .value), ("? help", .muted)], drawing: options.lineDrawing)
    }

    private func drawLower(into canvas: inout Canvas, layout: Layout, now: Date) {
        let drawing = options.lineDrawing
        let events = EventLogPane(dashboard: self, drawing: drawing)
        if showsHost && !showsDetail {
            let host = HostListenersPane(dashboard: self, drawing: drawing)
            canvas.drawRule(y: layout.lowerTitleRow, left: drawing.teeLeft, right: drawing.teeRight, titles: host.titles, drawing: drawing)
            host.draw(into: &canvas, body: layout.lowerBody)
            return
        }
        guard showsDetail else {
            canvas.drawRule(y: layout.lowerTitleRow, left: drawing.teeLeft, right: drawing.teeRight, titles: [events.title], drawing: drawing)
            events.draw(into: &canvas, body: layout.lowerBody)
            return
        }
        let finishedPane = finished.map { FinishedDetailPane(finished: $0, dashboard: self, drawing: drawing) }
        let pendingPane = DetailPane(row: selectedRow, dashboard: self, now: now, drawing: drawing)
        let titles = finishedPane?.title() ?? pendingPane.title()
        if let side = layout.sideEvents {
            canvas.drawRule(y: layout.lowerTitleRow, to: side.maxX + 1, left: drawing.teeLeft, right: drawing.teeDown, titles: [events.title], drawing: drawing)
            canvas.drawRule(y: layout.lowerTitleRow, x: side.maxX, left: drawing.teeDown, right: drawing.teeRight, titles: titles, drawing: drawing)
            canvas.drawVertical(x: side.maxX, rows: side.y..<side.maxY, drawing: drawing)
            events.draw(into: &canvas, body: side)
        } else {
            canvas.drawRule(y: layout.lowerTitleRow, left: drawing.teeLeft, right: drawing.teeRight, titles: titles, drawing: drawing)
        }
        if let finishedPane {
            finishedPane.draw(into: &canvas, body: layout.lowerBody)
        } else {
            pendingPane.draw(into: &canvas, body: layout.lowerBody)
        }
    }

    private func drawBottom(into canvas: inout Canvas, row: Int) {
        let drawing = options.lineDrawing
        var titles: [(String, Slot)] = []
        if let status { titles.append((status.text, status.isError ? .statusError : .statusOK)) }
        if decisionsInFlight > 0 { titles.append(("sending…", .muted)) }
        canvas.drawRule(y: row, left: drawing.bottomLeft, right: drawing.bottomRight, titles: titles, drawing: drawing)
        if daemon.disconnection != nil, status == nil {
            canvas.drawRule(y: row, left: drawing.bottomLeft, right: drawing.bottomRight,
                            titles: [(options.replaying == nil ? "not connected; q quits" : "the replay is over; q quits", .statusError)],
                            drawing: drawing)
        }
    }

    private func drawTooSmall(into canvas: inout Canvas) {
        var lines = ["usher needs at least \(Layout.minimumWidth)×\(Layout.minimumHeight);",
                     "this terminal is \(width)×\(height).", "Enlarge it, or press q to quit."]
        if let prompt, prompt.asksToQuit, case .confirm(let question) = prompt { lines = [question.question, "y quits; any other key stays"] }
        for (index, line) in lines.enumerated() {
            let y = height / 2 - 1 + index
            guard y >= 0, y < height else { continue }
            canvas.putCentered(line, in: Rect(x: 0, y: y, width: width, height: 1), slot: index == 0 ? .statusError : .normal)
        }
    }
}
