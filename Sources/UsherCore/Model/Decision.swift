/// What a condition or an operator decides for a pending request.
public enum Decision: Hashable, Sendable, Codable {
    /// Give the connection to the upstream.
    case accept
    /// Refuse it.
    case reject(Rejection)
    /// Postpone the decision (Winsock's `CF_DEFER`): pending again after the duration.
    case deferral(Duration)
}

extension Decision: CustomStringConvertible {
    public var description: String {
        switch self {
        case .accept: "accept"
        case .reject(let rejection): rejection.mode == .reset ? "reset" : "reject"
        case .deferral(let duration): "defer \(DurationText.format(duration))"
        }
    }
}
