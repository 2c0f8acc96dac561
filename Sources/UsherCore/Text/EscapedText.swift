/// Backslash escapes in command-line text, so that `--reject-message 'HTTP/1.0 503 busy\r\n\r\n'`
/// sends a carriage return and a line feed.
///
/// Understood: `\r`, `\n`, `\t`, `\0`, `\\`, `\xHH`. Anything else after a backslash is an error,
/// so a typo never goes on the wire unnoticed.
package enum EscapedText {
    package enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        case unknownEscape(String, offset: Int)
        case badHexEscape(String, offset: Int)
        case trailingBackslash(String)

        package var description: String {
            switch self {
            case .unknownEscape(let escape, let offset):
                "unknown escape '\(escape)' at character \(offset + 1); use \\r \\n \\t \\0 \\\\ or \\xHH"
            case .badHexEscape(let escape, let offset):
                "bad hex escape '\(escape)' at character \(offset + 1); write two hex digits, e.g. \\x1b"
            case .trailingBackslash:
                "the text ends with a lone backslash; write \\\\ for a backslash"
            }
        }
    }

    /// Decodes escapes and returns the UTF-8 bytes.
    package static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        var output: [UInt8] = []
        let characters = Array(text.unicodeScalars)
        var index = 0
        while index < characters.count {
            let scalar = characters[index]
            guard scalar == "\\" else {
                output.append(contentsOf: String(scalar).utf8)
                index += 1
                continue
            }
            guard index + 1 < characters.count else { throw .trailingBackslash(text) }
            let (bytes, width) = try decodeEscape(characters, at: index)
            output.append(contentsOf: bytes)
            index += width
        }
        return output
    }

    private static func decodeEscape(
        _ characters: [Unicode.Scalar], at index: Int
    ) throws(DecodeError) -> ([UInt8], Int) {
        switch characters[index + 1] {
        case "r": return ([0x0D], 2)
        case "n": return ([0x0A], 2)
        case "t": return ([0x09], 2)
        case "0": return ([0x00], 2)
        case "\\": return ([0x5C], 2)
        case "x":
            let digits = characters.dropFirst(index + 2).prefix(2)
            let text = "\\x" + String(String.UnicodeScalarView(digits))
            guard digits.count == 2, let value = UInt8(String(String.UnicodeScalarView(digits)), radix: 16) else {
                throw .badHexEscape(text, offset: index)
            }
            return ([value], 4)
        default:
            throw .unknownEscape("\\" + String(characters[index + 1]), offset: index)
        }
    }
}
