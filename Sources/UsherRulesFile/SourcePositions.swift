/// Where keys and values are written in a rules file (TOML parsers keep no positions for
/// values), for `FILE:LINE:COL` messages.
struct SourcePositions {
    /// A table: `[[rule]]` number `n` (0-based), `[default]`, the top level, another array of
    /// tables' element (`[[listener]]` number `n`), or another.
    enum Section: Hashable {
        case top
        case rule(Int)
        case element(String, Int)
        case named(String)
    }

    struct Position: Hashable {
        var line: Int
        var column: Int
    }

    private var keys: [Section: [String: (key: Position, value: Position, text: Substring)]] = [:]
    private var headers: [Section: Position] = [:]

    init(text: String) {
        var section = Section.top
        var elements: [String: Int] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = raw.prefix { $0 == " " || $0 == "\t" }.count
            let line = raw.dropFirst(indent)
            let here = Position(line: number + 1, column: indent + 1)
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmed
                let index = elements[name, default: 0]
                elements[name] = index + 1
                section = name == "rule" ? .rule(index) : .element(name, index)
                headers[section] = here
            } else if line.hasPrefix("[") {
                section = .named(String(line.dropFirst().prefix { $0 != "]" }.trimmed))
                headers[section] = here
            } else if let equals = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<equals].trimmed.trimmingQuotes
                let afterEquals = line[line.index(after: equals)...]
                let valueOffset = line.distance(from: line.startIndex, to: equals) + 1 + afterEquals.prefix { $0 == " " }.count
                if keys[section]?[key] == nil {
                    keys[section, default: [:]][key] = (
                        here, Position(line: number + 1, column: indent + valueOffset + 1), raw)
                }
            }
        }
    }

    /// Where `key` is written in `section`; the section's header, or line 1, when not found.
    func key(_ key: String, in section: Section) -> Position {
        keys[section]?[key]?.key ?? header(section)
    }

    /// Where the value of `key` starts; with `element`, where that text appears in the value.
    func value(_ key: String, in section: Section, element: String? = nil) -> Position {
        guard let entry = keys[section]?[key] else { return header(section) }
        if let element, !element.isEmpty, let range = entry.text.firstRange(of: element) {
            return Position(line: entry.value.line, column: entry.text.distance(from: entry.text.startIndex, to: range.lowerBound) + 1)
        }
        return entry.value
    }

    func header(_ section: Section) -> Position {
        headers[section] ?? Position(line: 1, column: 1)
    }
}

extension Substring {
    var trimmed: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}

extension String {
    var trimmingQuotes: String {
        guard count >= 2, let first, first == "\"" || first == "'", last == first else { return self }
        return String(dropFirst().dropLast())
    }
}
