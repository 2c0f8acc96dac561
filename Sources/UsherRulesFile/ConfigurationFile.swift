import TOMLKit

/// The configuration file (`usher.toml`), read without knowing what its keys mean: top-level
/// keys (options, named as their long flags in snake case) and `[[listener]]` tables, each value
/// with where it is written, so that whoever applies them can report a bad one as
/// `FILE:LINE:COL: message`.
///
/// ```toml
/// policy = "ask"
/// pending_timeout = "60s"
///
/// [[listener]]
/// listen = ["127.0.0.1:8080"]
/// upstream = "127.0.0.1:8000"
/// policy = "accept"
/// ```
public struct ConfigurationFile: Sendable {
    /// One `key = value`.
    public struct Setting: Sendable {
        public var key: String
        public var value: Value
        public var line: Int
        public var column: Int
    }

    /// A value as written: options take strings, numbers, booleans and lists of them.
    public enum Value: Sendable, Equatable {
        case text(String)
        case flag(Bool)
        /// A list (of strings or numbers, as text).
        case list([String])

        /// The value as a flag's arguments: `["60s"]`, `["a", "b"]`; a boolean has none.
        public var arguments: [String] {
            switch self {
            case .text(let text): [text]
            case .flag: []
            case .list(let items): items
            }
        }
    }

    /// A `[[listener]]` table.
    public struct Listener: Sendable {
        public var settings: [Setting]
        public var line: Int
    }

    public var path: String
    public var settings: [Setting]
    public var listeners: [Listener]
    /// Problems of form: a table other than `[[listener]]`, a value of no option's kind. What
    /// could be read around them is in ``settings`` and ``listeners``.
    public var problems: [RulesFileError]

    /// Reads the file at `path`; a file that cannot be read, or is not TOML, throws.
    public static func load(path: String) throws(RulesFileErrors) -> ConfigurationFile {
        let text: String
        do {
            text = try RulesFile.contents(of: path)
        } catch {
            throw RulesFileErrors([RulesFileError(file: path, line: 1, column: 1, message: error.message.replacingRulesFile())])
        }
        return try parse(text, file: path)
    }

    /// Reads a configuration from `text`, which came from `file`.
    public static func parse(_ text: String, file: String) throws(RulesFileErrors) -> ConfigurationFile {
        let table = try RulesFile.table(text, file: file)
        let positions = SourcePositions(text: text)
        var errors: [RulesFileError] = []
        func fail(_ position: SourcePositions.Position, _ message: String) {
            errors.append(RulesFileError(file: file, line: position.line, column: position.column, message: message))
        }
        var settings: [Setting] = []
        var listeners: [Listener] = []
        for key in table.keys.sorted(by: { positions.key($0, in: .top).line < positions.key($1, in: .top).line }) {
            guard let node = table[key] else { continue }
            if key == "listener" {
                guard let array = node.array else {
                    fail(positions.key(key, in: .top), "'listener' is written [[listener]]: a table per listener")
                    continue
                }
                for index in 0..<array.count {
                    let section = SourcePositions.Section.element("listener", index)
                    guard let element = array[index].table else {
                        fail(positions.header(section), "each [[listener]] is a table")
                        continue
                    }
                    var own: [Setting] = []
                    for name in element.keys.sorted(by: { positions.key($0, in: section).line < positions.key($1, in: section).line }) {
                        guard let child = element[name] else { continue }
                        if let setting = read(name, child, at: positions, in: section, fail: fail) { own.append(setting) }
                    }
                    listeners.append(Listener(settings: own, line: positions.header(section).line))
                }
                continue
            }
            if node.table != nil {
                fail(positions.header(.named(key)), "[\(key)] is not a table of the configuration; only [[listener]] tables are")
                continue
            }
            if let setting = read(key, node, at: positions, in: .top, fail: fail) { settings.append(setting) }
        }
        return ConfigurationFile(path: file, settings: settings, listeners: listeners, problems: errors)
    }

    private static func read(
        _ key: String, _ node: TOMLValueConvertible, at positions: SourcePositions, in section: SourcePositions.Section,
        fail: (SourcePositions.Position, String) -> Void
    ) -> Setting? {
        let at = positions.value(key, in: section)
        let value: Value
        if let text = node.string {
            value = .text(text)
        } else if let number = node.int {
            value = .text(String(number))
        } else if let flag = node.bool {
            value = .flag(flag)
        } else if let array = node.array {
            var items: [String] = []
            for index in 0..<array.count {
                if let text = array[index].string {
                    items.append(text)
                } else if let number = array[index].int {
                    items.append(String(number))
                } else {
                    fail(at, "'\(key)': a list of strings or numbers is expected")
                    return nil
                }
            }
            value = .list(items)
        } else {
            fail(at, "'\(key)': a string, a number, true or false, or a list is expected")
            return nil
        }
        let keyAt = positions.key(key, in: section)
        return Setting(key: key, value: value, line: keyAt.line, column: keyAt.column)
    }

    /// `FILE:LINE:COL: message` for `setting`.
    public func error(_ setting: Setting, _ message: String) -> RulesFileError {
        RulesFileError(file: path, line: setting.line, column: setting.column, message: message)
    }

    /// `FILE:LINE:1: message` for a `[[listener]]` as a whole.
    public func error(_ listener: Listener, _ message: String) -> RulesFileError {
        RulesFileError(file: path, line: listener.line, column: 1, message: message)
    }

    /// " (did you mean 'policy'?)", or nothing.
    public static func hint(for key: String, in known: [String]) -> String {
        KeySuggestion.hint(for: key, in: known)
    }
}

extension String {
    /// A file reading error written for rules files, said of the configuration file.
    fileprivate func replacingRulesFile() -> String {
        replacing("rules file", with: "configuration file").replacing("rules files", with: "configuration files")
    }
}
