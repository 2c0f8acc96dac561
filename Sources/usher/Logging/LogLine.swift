import UsherCore
import Logging

/// Formats one log record as text or JSON.
enum LogLine {
    /// One line: message and values escaped for terminals (``TerminalText``) as everywhere else,
    /// so a value that came from a client reads as `usher ls` shows it.
    static func text(time: String, level: Logger.Level, message: String, fields: [(String, String)]) -> String {
        String(decoding: textBytes(time: time, level: level, message: message, fields: fields).dropLast(), as: UTF8.self)
    }

    /// ``text(time:level:message:fields:)`` as the bytes written, ended by a newline, built in
    /// one buffer (a request's line at `info` costs a few microseconds, not a dozen strings).
    static func textBytes(time: String, level: Logger.Level, message: String, fields: [(String, String)]) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(64 + message.utf8.count + fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 })
        line.append(contentsOf: time.utf8)
        line.append(0x20)
        line.append(contentsOf: level.rawValue.padding(to: 6).utf8)
        line.append(0x20)
        line.append(contentsOf: TerminalText.escaped(message).utf8)
        for (key, value) in fields {
            line.append(0x20)
            line.append(contentsOf: TerminalText.escaped(key).utf8)
            line.append(0x3D)
            appendQuotedIfNeeded(value, to: &line)
        }
        line.append(0x0A)
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
        var bytes: [UInt8] = []
        appendQuotedIfNeeded(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendQuotedIfNeeded(_ value: String, to line: inout [UInt8]) {
        let escaped = TerminalText.escaped(value)
        let plain = !escaped.isEmpty && !escaped.utf8.contains { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D }
        guard !plain else { return line.append(contentsOf: escaped.utf8) }
        line.append(0x22)
        for byte in escaped.utf8 {
            if byte == 0x22 { line.append(0x5C) }
            line.append(byte)
        }
        line.append(0x22)
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
    /// The place of each known key: known keys first in their order, then the others
    /// alphabetically, then the notes.
    private static let ranks: [String: Int] = Dictionary(
        uniqueKeysWithValues: first.enumerated().map { ($1, $0) } + last.enumerated().map { ($1, first.count + 1 + $0) })

    static func ordered(_ metadata: Logger.Metadata) -> [(String, String)] {
        metadata.map { (key, value) in (ranks[key] ?? first.count, key, text(of: value)) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map { ($0.1, $0.2) }
    }

    private static func text(of value: Logger.MetadataValue) -> String {
        if case .string(let text) = value { return text }
        return "\(value)"
    }
}
