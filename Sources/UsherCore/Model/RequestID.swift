/// The stable short identifier of a connection request: `r1`, `r2`, …
///
/// IDs increase monotonically within one running provider and are never reused, so an operator can
/// name a request (`usher accept r17`) without racing against new arrivals.
public struct RequestID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The sequence number behind the ID (`17` for `r17`).
    public let sequence: UInt64

    public init(_ sequence: UInt64) {
        self.sequence = sequence
    }

    /// Parses the textual form `r17` (the `r` may be omitted). Returns `nil` for anything else.
    public init?(_ text: String) {
        let digits = text.first == "r" ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let value = UInt64(digits) else {
            return nil
        }
        self.sequence = value
    }

    public var description: String { "r\(sequence)" }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(sequence)
    }

    /// One word, hashed in one step as the standard library's integers are (no hasher to set
    /// up and finalize): the core and the data plane look requests up by ID several times per
    /// connection.
    public func _rawHashValue(seed: Int) -> Int {
        sequence._rawHashValue(seed: seed)
    }

    public static func < (lhs: RequestID, rhs: RequestID) -> Bool { lhs.sequence < rhs.sequence }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
