/// Identifies one gated listener: its position in the provider's listener list.
public struct ListenerID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: Int

    public init(_ index: Int) {
        self.index = index
    }

    public var description: String { "l\(index)" }

    public static func < (lhs: ListenerID, rhs: ListenerID) -> Bool { lhs.index < rhs.index }
}
