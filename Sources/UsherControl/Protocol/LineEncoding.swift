import Foundation
import NIOCore

extension ControlLine {
    /// The line as sent: compact JSON and a newline.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer(bytes: WireJSON.encode(self))
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    /// Reads one server line.
    public static func decode(_ bytes: ByteBuffer) throws -> ControlLine {
        try JSONDecoder().decode(ControlLine.self, from: Data(bytes.readableBytesView))
    }
}

/// The JSON settings of the protocol: compact, keys sorted (stable output), slashes unescaped.
public enum WireJSON {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every wire type encodes strings, numbers and booleans only, which cannot fail.
        return (try? Array(encoder.encode(value))) ?? Array(#"{"error":"encoding failed"}"#.utf8)
    }
}
