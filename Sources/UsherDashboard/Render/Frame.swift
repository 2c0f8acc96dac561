extension Canvas {
    /// A horizontal border row from column `x` to `maxX - 1` with `left` and `right` ends and
    /// titles written into it: `├ Pending (3) ─ sort: age ─────┤`.
    mutating func drawRule(
        y: Int, x: Int = 0, to maxX: Int? = nil, left: Character, right: Character,
        titles: [(String, Slot)] = [], trailing: [(String, Slot)] = [], drawing: LineDrawing
    ) {
        let end = maxX ?? width
        guard end - x >= 2 else { return }
        fill(Rect(x: x, y: y, width: end - x, height: 1), with: drawing.horizontal, slot: .border)
        put(String(left), x: x, y: y, slot: .border)
        put(String(right), x: end - 1, y: y, slot: .border)
        let trailingWidth = trailing.reduce(0) { $0 + TerminalWidth.of($1.0) + 3 }
        let titlesEnd = end - 1 - trailingWidth
        var column = x + 1
        for (text, slot) in titles where !text.isEmpty && column + 3 < titlesEnd {
            put(" ", x: column, y: y, slot: .border)
            column += 1
            column += put(text, x: column, y: y, slot: slot, limit: titlesEnd - column - 1)
            put(" ", x: column, y: y, slot: .border)
            column += 2
        }
        guard titlesEnd > column else { return }
        column = titlesEnd
        for (text, slot) in trailing {
            put(" ", x: column, y: y, slot: .border)
            column += 1 + put(text, x: column + 1, y: y, slot: slot)
            put(" ", x: column, y: y, slot: .border)
            column += 2
        }
    }

    /// The left and right borders of rows `rows`.
    mutating func drawSides(rows: Range<Int>, drawing: LineDrawing) {
        for y in rows {
            put(String(drawing.vertical), x: 0, y: y, slot: .border)
            put(String(drawing.vertical), x: width - 1, y: y, slot: .border)
        }
    }

    /// A column of vertical border characters.
    mutating func drawVertical(x: Int, rows: Range<Int>, drawing: LineDrawing) {
        for y in rows { put(String(drawing.vertical), x: x, y: y, slot: .border) }
    }

    /// `text` centred in `rect`'s first row.
    mutating func putCentered(_ text: String, in rect: Rect, slot: Slot) {
        let columns = TerminalWidth.of(text)
        put(text, x: rect.x + max(0, (rect.width - columns) / 2), y: rect.y, slot: slot, limit: rect.width)
    }
}
