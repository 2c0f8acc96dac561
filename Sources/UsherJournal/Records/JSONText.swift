/// JSON strings written by hand, for the few fields the journal stores as JSON.
enum JSONText {
    /// Appends `text` as a JSON string to `output`: quotes, backslashes and control characters
    /// escaped (most text has none, and is copied as it is).
    static func appendQuoted(_ text: String, to output: inout String) {
        output.append("\"")
        defer { output.append("\"") }
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return output.append(text) }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
    }
}
