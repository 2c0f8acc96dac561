import UsherCore

/// A grid of styled character cells: every screen of the dashboard is drawn into one, so a
/// screen is a value that tests read as text, and a terminal backend only copies cells.
public struct Canvas: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, slot: Slot = .normal) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(" ", slot: slot), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// The mark of text cut short (`…`, or `~` with ASCII line drawing).
    public var ellipsis: Character = "…"

    /// Writes `text` from (`x`, `y`), escaped for terminals (``TerminalText``: a control byte
    /// shows as `\x1b`, never reaches the terminal), clipped to `limit` columns and to the
    /// canvas; other characters that take no column are dropped. Text cut short ends in
    /// ``ellipsis`` (trailing spaces cut are no loss). Returns the columns written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, slot: Slot, limit: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x.addingReportingOverflow(limit).overflow ? width : x + limit)
        let escaped = TerminalText.escaped(text)
        var column = x
        for index in escaped.indices {
            let character = escaped[index]
            let columns = TerminalWidth.of(character)
            if columns == 0 { continue }
            if column + columns > end {
                if escaped[index...].contains(where: { !$0.isWhitespace }) { markCut(before: column, from: x, y: y, slot: slot) }
                break
            }
            if column >= 0 {
                self[column, y] = Cell(character, slot: slot)
                if columns == 2 { self[column + 1, y] = Cell(Cell.continuationMark, slot: slot) }
            }
            column += columns
        }
        return max(0, column - x)
    }

    /// As many of `parts` as fit in `limit` columns whole, separated by a space: for numbers,
    /// which are shown whole or not at all.
    public static func whole(_ parts: [String], limit: Int) -> String {
        var text = ""
        for part in parts {
            let next = text.isEmpty ? part : text + " " + part
            guard TerminalWidth.of(next) <= limit else { break }
            text = next
        }
        return text
    }

    /// Puts the ellipsis in the last cell written before `column` (both cells of a wide one).
    private mutating func markCut(before column: Int, from start: Int, y: Int, slot: Slot) {
        let last = column - 1
        guard last >= max(0, start), last < width else { return }
        if self[last, y].isContinuation, last - 1 >= 0 {
            self[last - 1, y] = Cell(ellipsis, slot: slot)
            self[last, y] = Cell(" ", slot: slot)
        } else {
            self[last, y] = Cell(ellipsis, slot: slot)
        }
    }

    /// Fills `rect` with `character`.
    public mutating func fill(_ rect: Rect, with character: Character = " ", slot: Slot) {
        for y in max(0, rect.y)..<min(height, rect.maxY) {
            for x in max(0, rect.x)..<min(width, rect.maxX) {
                self[x, y] = Cell(character, slot: slot)
            }
        }
    }

    /// One row as text, wide characters once, trailing spaces kept.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<width where !self[x, y].isContinuation {
            text.append(self[x, y].character)
        }
        return text
    }

    /// The whole canvas as text: one line per row, trailing spaces removed.
    public var text: String {
        (0..<height).map { y in
            var line = line(y)
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
