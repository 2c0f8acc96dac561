import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// Aligned columns for people, as `ss` and `kubectl` print them: a header, two spaces between
/// columns, the last column unpadded; cut to the terminal's width when standard output is one.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: String...) {
        self.header = header
    }

    /// Adds a row; each cell is escaped for terminals (``TerminalText``), so a cell is one line.
    mutating func add(_ row: [String]) {
        rows.append(row.map(TerminalText.escaped))
    }

    func render(width: Int? = TerminalSize.ofStandardOutput()?.width) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(to: widths[column])
            }
            let line = cells.joined(separator: "  ")
            guard let width, line.count > width else { return line }
            return String(line.prefix(max(1, width - 1))) + "…"
        }.joined(separator: "\n")
    }
}

/// The size of the terminal on standard output, if it is one.
enum TerminalSize {
    static func ofStandardOutput() -> (width: Int, height: Int)? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
