/// `?`: every key with what it does, and how to read the screen, in a box over the panes.
struct HelpOverlay {
    let keyMap: KeyMap
    let drawing: LineDrawing

    func lines() -> [[(String, Slot)]] {
        var lines: [[(String, Slot)]] = [[("Keys", .paneTitle)]]
        let keyWidth = keyMap.bindings.filter { !Self.movement.contains($0.command) }.map { keys(of: $0).count }.max() ?? 8
        for binding in keyMap.bindings where !Self.movement.contains(binding.command) {
            lines.append([(keys(of: binding).padding(to: keyWidth + 2), .value), (binding.help, .row)])
        }
        lines.append([("Up Down PgUp PgDn Home End (or k j g G)", .value), ("  move; with Tab, scroll the lower pane; Ctrl-L redraws", .row)])
        lines.append([])
        lines.append([("Reading the screen", .paneTitle)])
        lines.append([("\(drawing.selected) selected  \(drawing.tagged) tagged  ", .row), ("deferred", .deferred), (" rows wait for their deferral to end", .row)])
        lines.append([("AGE", .value), (" waited so far, ", .row), ("LEFT", .value), (" until the pending timeout applies its action", .row)])
        lines.append([("arrived = accepted + rejected + withdrawn + expired + overflowed + pending", .row), (" \(drawing.check)", .invariantOK)])
        lines.append([("Any key closes this help.", .muted)])
        return lines
    }

    static let movement: Set<Command> = [.up, .down, .pageUp, .pageDown, .top, .bottom, .redraw]

    private func keys(of binding: KeyMap.Binding) -> String {
        let function = keyMap.functionKey(of: binding.command).map { ", F\($0)" } ?? ""
        return binding.label + function
    }

    func draw(into canvas: inout Canvas) {
        let content = lines()
        let contentWidth = content.map { $0.reduce(0) { $0 + TerminalWidth.of($1.0) } }.max() ?? 40
        let width = min(canvas.width - 2, contentWidth + 4)
        let height = min(canvas.height - 2, content.count + 2)
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        canvas.fill(box, slot: .normal)
        canvas.drawRule(y: box.y, x: box.x, to: box.maxX, left: drawing.topLeft, right: drawing.topRight,
                        titles: [("usher help", .paneTitle)], drawing: drawing)
        canvas.drawRule(y: box.maxY - 1, x: box.x, to: box.maxX, left: drawing.bottomLeft, right: drawing.bottomRight, drawing: drawing)
        for y in (box.y + 1)..<(box.maxY - 1) {
            canvas.put(String(drawing.vertical), x: box.x, y: y, slot: .border)
            canvas.put(String(drawing.vertical), x: box.maxX - 1, y: y, slot: .border)
        }
        var shown = Array(content.prefix(height - 2))
        if content.count > shown.count, !shown.isEmpty {
            shown[shown.count - 1] = [("\(drawing.ellipsis) a taller terminal shows the rest; any key closes this help", .muted)]
        }
        for (index, line) in shown.enumerated() {
            var x = box.x + 2
            for (text, slot) in line {
                x += canvas.put(text, x: x, y: box.y + 1 + index, slot: slot, limit: box.maxX - 2 - x)
            }
        }
    }
}
