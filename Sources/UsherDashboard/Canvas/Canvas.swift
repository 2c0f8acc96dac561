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

    /// Writes `text` from (`x`, `y`), escaped for terminals (``TerminalText``: a control byte
    /// shows as `\x1b`, never reaches the terminal), clipped to `limit` columns and to the
    /// canvas; other characters that take no column are dropped. Returns the columns written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, slot: Slot, limit: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(width, x.addingReportingOverflow(limit).overflow ? width : x + limit)
        var column = x
        for character in TerminalText.escaped(text) {
            let columns = TerminalWidth.of(character)
            if columns == 0 { continue }
            if column + columns > end { break }
            if column >= 0 {
                self[column, y] = Cell(character, slot: slot)
                if columns == 2 { self[column + 1, y] = Cell(Cell.continuationMark, slot: slot) }
            }
            column += columns
        }
        return max(0, column - x)
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
