/// One character cell of a ``Canvas``: what it shows and the semantic slot that styles it.
public struct Cell: Hashable, Sendable {
    /// The character shown; a wide character's second column holds ``continuation``.
    public var character: Character
    public var slot: Slot

    public init(_ character: Character, slot: Slot) {
        self.character = character
        self.slot = slot
    }

    /// Marks the second column of a wide character.
    public static let continuationMark: Character = "\u{0}"

    public var isContinuation: Bool { character == Self.continuationMark }
}
