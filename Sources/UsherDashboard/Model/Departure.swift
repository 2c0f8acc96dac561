import UsherWire

/// Why a request left the pending table, in words for the line that takes its place under the
/// cursor: `r5 withdrawn by its client`, `r5 accepted by pid 812`.
enum Departure {
    static func text(_ step: RequestStep, _ request: WireRequest) -> String {
        let by = request.decidedBy.map { " by \($0)" } ?? ""
        switch step {
        case .accepted: return "\(request.id) accepted\(by)"
        case .rejected(let mode): return "\(request.id) \(mode == .reset ? "reset" : "rejected")\(by)"
        case .withdrawn: return "\(request.id) withdrawn by its client"
        case .expired(let action): return "\(request.id) expired: \(action.rawValue) by the pending timeout"
        case .overflowed: return "\(request.id) overflowed"
        default: return noLongerPending(request.id)
        }
    }

    static func noLongerPending(_ id: String) -> String {
        "\(id) is no longer pending"
    }
}
