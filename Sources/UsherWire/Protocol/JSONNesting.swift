/// How deep a line of JSON nests arrays and objects, read without parsing it, so that a line
/// nested thousands deep is turned away before a decoder recurses into it.
enum JSONNesting {
    /// `true` when `bytes` opens more than `limit` arrays or objects inside one another.
    /// Brackets inside strings do not count; the bytes need not be valid JSON.
    static func exceeds(_ limit: Int, in bytes: some Collection<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return false
    }
}
