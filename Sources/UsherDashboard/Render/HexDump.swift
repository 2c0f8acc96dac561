/// Caller data as a hex dump: offset, bytes in hex, and the same bytes as ASCII (`.` for the
/// rest), `bytesPerLine` to a line.
enum HexDump {
    struct Line: Hashable {
        var offset: String
        var hex: String
        var text: String
    }

    static func lines(_ bytes: [UInt8], bytesPerLine: Int) -> [Line] {
        stride(from: 0, to: bytes.count, by: bytesPerLine).map { start in
            let chunk = bytes[start..<min(bytes.count, start + bytesPerLine)]
            let hex = chunk.map { hexByte($0) }.joined(separator: " ")
            let text = String(chunk.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
            return Line(offset: hexOffset(start), hex: hex.padding(to: bytesPerLine * 3 - 1), text: text)
        }
    }

    /// The widest line that fits: 16 bytes from 74 columns, else 8, else 4.
    static func bytesPerLine(forWidth width: Int) -> Int {
        [16, 8, 4].first { 4 + 2 + $0 * 3 - 1 + 2 + $0 <= width } ?? 4
    }

    private static let digits = Array("0123456789abcdef")

    private static func hexByte(_ byte: UInt8) -> String {
        String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private static func hexOffset(_ offset: Int) -> String {
        let text = String(offset, radix: 16)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
