extension Canvas {
    /// Draws `lines` (each a run of styled pieces) into `body` from line `scroll` (clamped so the
    /// last page stays full), and, when they do not all fit, which lines are shown on the
    /// bottom border: ` lines 5-20 of 31 `. The detail panes scroll this way.
    mutating func drawScrolled(_ lines: [[(String, Slot)]], in body: Rect, from scroll: Int) {
        let first = min(scroll, max(0, lines.count - body.height))
        for (index, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            var x = body.x + 1
            for (text, slot) in line {
                x += put(text, x: x, y: body.y + index, slot: slot, limit: body.maxX - 1 - x)
            }
        }
        if lines.count > body.height {
            let position = " lines \(first + 1)-\(min(lines.count, first + body.height)) of \(lines.count) "
            put(position, x: body.maxX - position.count - 1, y: body.maxY, slot: .muted)
        }
    }
}
