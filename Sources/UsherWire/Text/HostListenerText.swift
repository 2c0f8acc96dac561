import UsherCore

extension WireHostListener {
    /// `FULL 12s ≈31`: `FULL` while the queue is full, with how long once a second has passed,
    /// and `≈N`, the handshakes estimated refused there; empty when neither applies.
    public var fullText: String {
        var parts: [String] = []
        if saturated {
            parts.append("FULL")
            if let milliseconds = saturatedMs, milliseconds >= 1000 {
                parts.append(DurationText.format(.milliseconds(milliseconds / 1000 * 1000)))
            }
        }
        if dropsEstimate > 0 { parts.append("≈\(dropsEstimate)") }
        return parts.joined(separator: " ")
    }
}
