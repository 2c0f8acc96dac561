import UsherWire

/// How the host listeners pane orders its rows (`s` cycles, `S` reverses).
public enum HostSortOrder: String, Hashable, Sendable, CaseIterable {
    /// Deepest accept queue first: a stuck server rises to the top.
    case depth
    /// Fullest first, as a share of the queue's limit.
    case fill
    /// By port, then address.
    case address
    /// By process name, then port.
    case process

    /// The next order in the cycle.
    public var next: HostSortOrder {
        let all = Self.allCases
        return all[(all.firstIndex(of: self).map { $0 + 1 } ?? 0) % all.count]
    }

    /// `true` when `lhs` goes before `rhs`.
    func precedes(_ lhs: WireHostListener, _ rhs: WireHostListener) -> Bool {
        switch self {
        case .depth:
            (rhs.depth, lhs.port, lhs.address) < (lhs.depth, rhs.port, rhs.address)
        case .fill:
            (Self.fill(rhs), lhs.port, lhs.address) < (Self.fill(lhs), rhs.port, rhs.address)
        case .address:
            (lhs.port, lhs.address) < (rhs.port, rhs.address)
        case .process:
            (lhs.processText, lhs.port, lhs.address) < (rhs.processText, rhs.port, rhs.address)
        }
    }

    private static func fill(_ listener: WireHostListener) -> Double {
        listener.limit > 0 ? Double(listener.depth) / Double(listener.limit) : (listener.depth > 0 ? 1 : 0)
    }
}
