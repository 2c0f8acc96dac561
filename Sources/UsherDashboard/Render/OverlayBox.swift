/// A framed box centred over the panes, holding lines of styled text: the help and the
/// decision dialog.
struct OverlayBox {
    typealias Line = [(String, Slot)]

    let title: [(String, Slot)]
    let lines: [Line]
    let drawing: LineDrawing
    /// The last line shown when the screen is too short for all of them.
    var cutNote = "a taller terminal shows the rest"
    /// The first line shown, for a box that scrolls (clamped to what fits).
    var firstLine = 0

    func draw(into canvas: inout Canvas) {
        let titleWidth = title.reduce(0) { $0 + TerminalWidth.of($1.0) + 2 }
        let contentWidth = max(titleWidth, lines.map { $0.reduce(0) { $0 + TerminalWidth.of($1.0) } }.max() ?? 40)
        let width = min(canvas.width - 2, contentWidth + 4)
        let height = min(canvas.height - 2, lines.count + 2)
        let box = Rect(x: (canvas.width - width) / 2, y: (canvas.height - height) / 2, width: width, height: height)
        canvas.fill(box, slot: .normal)
        canvas.drawRule(y: box.y, x: box.x, to: box.maxX, left: drawing.topLeft, right: drawing.topRight,
                        titles: title, drawing: drawing)
        canvas.drawRule(y: box.maxY - 1, x: box.x, to: box.maxX, left: drawing.bottomLeft, right: drawing.bottomRight, drawing: drawing)
        for y in (box.y + 1)..<(box.maxY - 1) {
            canvas.put(String(drawing.vertical), x: box.x, y: y, slot: .border)
            canvas.put(String(drawing.vertical), x: box.maxX - 1, y: y, slot: .border)
        }
        var shown = Array(lines.prefix(height - 2))
        if lines.count > shown.count, shown.count > 1 {
            let room = shown.count - 1
            let first = max(0, min(firstLine, lines.count - room))
            shown = Array(lines[first..<(first + room)])
            shown.append([("\(drawing.ellipsis) lines \(first + 1)-\(first + room) of \(lines.count) · \(cutNote)", .muted)])
        }
        for (index, line) in shown.enumerated() {
            var x = box.x + 2
            for (text, slot) in line {
                x += canvas.put(text, x: x, y: box.y + 1 + index, slot: slot, limit: box.maxX - 2 - x)
            }
        }
    }
}
