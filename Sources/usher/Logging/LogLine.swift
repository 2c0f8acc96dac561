import UsherCore
import Logging

/// Formats one log record as text or JSON.
enum LogLine {
    /// One line: message and values escaped for terminals (``TerminalText``) as everywhere else,
    /// so a value that came from a client reads as `usher ls` shows it.
    static func text(time: String, level: Logger.Level, message: String, fields: [(String, String)]) -> String {
        var line = "\(time) \(level.rawValue.padding(to: 6)) \(TerminalText.escaped(message))"
        for (key, value) in fields {
            line += " \(TerminalText.escaped(key))=\(quotedIfNeeded(value))"
        }
        return line
    }

    static func json(time: String, level: Logger.Level, message: String, fields: [(String, String)]) -> String {
        var parts = ["\"ts\":\(jsonString(time))", "\"level\":\(jsonString(level.rawValue))", "\"event\":\(jsonString(message))"]
        for (key, value) in fields {
            parts.append("\(jsonString(key)):\(jsonString(value))")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// `value` escaped for terminals, in double quotes (a quote inside as `\"`) when it is empty
    /// or holds a space, a quote or `=`.
    static func quotedIfNeeded(_ value: String) -> String {
        let escaped = TerminalText.escaped(value)
        let plain = !escaped.isEmpty && !escaped.utf8.contains { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D }
        guard !plain else { return escaped }
        let inner = escaped.utf8.contains(0x22) ? escaped.replacing("\"", with: "\\\"") : escaped
        return "\"" + inner + "\""
    }

    static func jsonString(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where TerminalText.needsEscape(scalar): escaped += TerminalText.jsonEscape(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}

/// Metadata in a stable, readable order: the request first, then the facts, then the rest.
enum LogFields {
    static let first = [
        "id", "peer", "listener", "local", "by", "mode", "action", "waited", "for", "condition", "verdict",
        "reason",
    ]
    static let last = ["note"]

    static func ordered(_ metadata: Logger.Metadata) -> [(String, String)] {
        metadata.map { ($0.key, "\($0.value)") }.sorted { lhs, rhs in
            let left = rank(lhs.0)
            let right = rank(rhs.0)
            return left == right ? lhs.0 < rhs.0 : left < right
        }
    }

    /// Known keys first in their order, then the others alphabetically, then the notes.
    private static func rank(_ key: String) -> Int {
        if let index = first.firstIndex(of: key) { return index }
        if let index = last.firstIndex(of: key) { return first.count + 1 + index }
        return first.count
    }
}
