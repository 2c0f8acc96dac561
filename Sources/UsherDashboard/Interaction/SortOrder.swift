/// The order of the pending table.
public enum SortOrder: String, CaseIterable, Hashable, Sendable {
    /// Oldest first: the one that waited longest is on top.
    case age
    /// Soonest timeout first.
    case left
    case peer
    case listener
    case id

    /// The next order, for `s`.
    public var next: SortOrder {
        let all = Self.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }

    func ascending(_ a: PendingRow, _ b: PendingRow) -> Bool {
        switch self {
        case .age: a.arrivedAt != b.arrivedAt ? a.arrivedAt < b.arrivedAt : a.number < b.number
        case .left: (a.timeoutAt ?? .distantFuture, a.number) < (b.timeoutAt ?? .distantFuture, b.number)
        case .peer:
            a.request.peer == b.request.peer ? a.number < b.number
                : a.request.peer.utf8.lexicographicallyPrecedes(b.request.peer.utf8)
        case .listener: (a.request.listener, a.number) < (b.request.listener, b.number)
        case .id: a.number < b.number
        }
    }
}
