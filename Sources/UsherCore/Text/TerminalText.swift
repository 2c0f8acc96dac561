/// The one way text that came from outside (the network, `/proc`, a control client) reaches a
/// terminal: every character a terminal could act on is written as a visible escape.
///
/// Escaped: C0 controls and DEL (`\r`, `\n`, `\t`, `\0`, else `\x1b`), C1 controls, and the
/// invisible format characters: bidi overrides and isolates, zero-width characters, the line and
/// paragraph separators, tags (`\u{202E}`). Everything else passes as is. The output holds no
/// character that would be escaped, so escaping twice changes nothing: each output (the
/// dashboard's canvas, `usher ls`'s table, a log line) may escape again without harm. A backslash
/// is not escaped, so `\x1b` in the output may also be those four characters as sent.
public enum TerminalText {
    /// `text` with every character a terminal could act on written as an escape.
    public static func escaped(_ text: String) -> String {
        isPlain(text.utf8) ? text : escapedScalars(text)
    }

    /// `text` with every character a terminal could act on written as an escape.
    public static func escaped(_ text: Substring) -> String {
        isPlain(text.utf8) ? String(text) : escapedScalars(text)
    }

    /// `text` with every character a terminal could act on written as an escape.
    public static func escaped(_ text: some StringProtocol) -> String {
        isPlain(text.utf8) ? String(text) : escapedScalars(text)
    }

    /// `true` when every byte is printable ASCII, which needs no escape (most text: checked on
    /// the contiguous bytes when the string has them).
    private static func isPlain(_ utf8: some Collection<UInt8>) -> Bool {
        utf8.withContiguousStorageIfAvailable { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
            ?? utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private static func escapedScalars(_ text: some StringProtocol) -> String {
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                output += escape(scalar)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// `bytes` read as UTF-8 (a malformed sequence becomes U+FFFD), then escaped.
    public static func escaped(bytes: some Collection<UInt8>) -> String {
        escaped(String(decoding: bytes, as: UTF8.self))
    }

    /// `true` for a character a terminal could act on, or that hides or reorders text: C0, DEL,
    /// C1, and format characters (bidi controls, zero-width characters, tags, the soft hyphen),
    /// and the line and paragraph separators.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || value == 0x7F { return true }
        if value < 0x80 { return false }
        if value < 0xA0 { return true }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// A JSON `\uXXXX` escape of `scalar` (a surrogate pair above U+FFFF), for JSON that may be
    /// printed on a terminal: the same characters as ``needsEscape(_:)``, read back unchanged
    /// by any JSON parser.
    public static func jsonEscape(_ scalar: Unicode.Scalar) -> String {
        let units = Array(String(scalar).utf16)
        return units.map { "\\u" + hex(UInt32($0), digits: 4, uppercase: false) }.joined()
    }

    /// Compact JSON text with every character of ``needsEscape(_:)`` left unescaped by a JSON
    /// encoder (DEL, C1, format characters; JSON requires only C0) escaped as `\uXXXX`.
    public static func jsonSafe(_ json: [UInt8]) -> [UInt8] {
        guard json.contains(where: { $0 >= 0x7F }) else { return json }
        var output = ""
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            if scalar.value >= 0x7F && needsEscape(scalar) {
                output += jsonEscape(scalar)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return Array(output.utf8)
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0D: return "\\r"
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x00: return "\\0"
        case 0..<0x80: return "\\x" + hex(scalar.value, digits: 2, uppercase: false)
        default: return "\\u{" + hex(scalar.value, digits: 1, uppercase: true) + "}"
        }
    }

    private static func hex(_ value: UInt32, digits: Int, uppercase: Bool) -> String {
        let text = String(value, radix: 16, uppercase: uppercase)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
