import Foundation
import UsherCore

extension ControlLine {
    /// The line as sent: compact JSON and a newline.
    public func encodedLine() -> [UInt8] {
        WireJSON.encode(self) + [UInt8(ascii: "\n")]
    }

    /// Reads one server line (without its newline).
    public static func decode(_ bytes: some Collection<UInt8>) throws -> ControlLine {
        try JSONDecoder().decode(ControlLine.self, from: Data(bytes))
    }
}

/// The JSON settings of the protocol: compact, keys sorted (stable output), slashes unescaped,
/// and no character a terminal could act on left raw (``TerminalText/jsonSafe(_:)``), so that
/// `usher ls --json` or `socat` on the socket is safe to read on a terminal.
public enum WireJSON {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every wire type encodes strings, numbers and booleans only, which cannot fail.
        let json = (try? Array(encoder.encode(value))) ?? Array(#"{"error":"encoding failed"}"#.utf8)
        return TerminalText.jsonSafe(json)
    }
}
