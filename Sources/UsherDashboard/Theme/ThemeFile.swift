import TOMLKit

/// Reads a theme file:
///
/// ```toml
/// description = "For dark terminals"
/// inherits = "default"          # optional: slots left out come from this built-in theme
///
/// [slots]
/// title = "bold white on blue"
/// row-selected = "reverse"
/// gauge-full = "bold red"
/// ```
///
/// Every problem is a ``ThemeError`` naming the file, the line and the key.
public enum ThemeFile {
    static let topLevelKeys = ["description", "inherits", "slots"]

    /// Parses `text`, read from `file`; `name` is the theme's name.
    public static func parse(_ text: String, file: String, name: String) throws(ThemeError) -> Theme {
        let locator = KeyLocator(text: text)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, problem: "not valid TOML: \(error.description)")
        } catch {
            throw ThemeError(file: file, problem: "not valid TOML: \(error)")
        }
        func failure(_ key: String, table: String? = nil, _ problem: String) -> ThemeError {
            let path = table.map { "\($0).\(key)" } ?? key
            return ThemeError(file: file, line: locator.line(of: key, inTable: table), key: path, problem: problem)
        }
        for key in table.keys where !topLevelKeys.contains(key) {
            throw failure(key, "unknown key; a theme has description, inherits and a [slots] table")
        }
        var styles: [Slot: TextStyle] = [:]
        var description = ""
        if let value = table["description"] {
            guard let text = value.string else { throw failure("description", "must be a string") }
            description = text
        }
        if let value = table["inherits"] {
            guard let parent = value.string else { throw failure("inherits", "must be a string") }
            guard let base = BuiltInThemes.theme(named: parent) else {
                throw failure("inherits", "no built-in theme '\(parent)'; built-in themes: \(BuiltInThemes.names.joined(separator: ", "))")
            }
            for slot in Slot.allCases { styles[slot] = base.style(slot) }
        }
        guard let slotsValue = table["slots"] else { return Theme(name: name, description: description, styles: styles) }
        guard let slots = slotsValue.table else { throw failure("slots", "must be a table: [slots]") }
        for key in slots.keys {
            guard let slot = Slot(rawValue: key) else {
                throw failure(key, table: "slots", "unknown slot; slots: \(Slot.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let spec = slots[key]?.string else {
                throw failure(key, table: "slots", "must be a string such as \"bold white on blue\"")
            }
            do {
                styles[slot] = try StyleSpec.parse(spec)
            } catch {
                throw failure(key, table: "slots", error.description)
            }
        }
        return Theme(name: name, description: description, styles: styles)
    }
}

/// Finds the line where a key is written, for error messages (TOML parsers keep no positions
/// for values).
struct KeyLocator {
    private let lines: [Substring]

    init(text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The 1-based line of `key = …` in `[table]` (or before any table when `table` is nil).
    func line(of key: String, inTable table: String?) -> Int? {
        var current: String?
        for (index, raw) in lines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") {
                current = String(line.dropFirst().prefix { $0 != "]" }).trimmingCharacters(in: " \t")
                continue
            }
            guard current == table else { continue }
            let name = line.prefix { $0 != "=" }.trimmingCharacters(in: " \t\"'")
            if name == key, line.contains("=") { return index + 1 }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
