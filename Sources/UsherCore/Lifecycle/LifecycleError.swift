/// Why an event could not be applied to a request.
public enum LifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No request has that ID (it never existed, or it finished so long ago it was forgotten).
    case unknownRequest(RequestID)
    /// The request was already decided (it finished, or is being handed to the upstream); `by`
    /// names who decided, when known.
    case alreadyDecided(RequestID, RequestState, by: Decider?)
    /// The event makes no sense in the request's current state.
    case illegalTransition(RequestID, from: RequestState, event: LifecycleEvent)
    /// The request comes from a trusted proxy whose PROXY header has not been read: it can be
    /// rejected, but not accepted or deferred, until the caller is known.
    case awaitingProxyHeader(RequestID)

    public var description: String {
        switch self {
        case .unknownRequest(let id):
            return "\(id): no such request"
        case .alreadyDecided(let id, let state, let decider):
            let by = decider.map { " by \($0)" } ?? ""
            return "\(id): already \(state.decisionName)\(by)"
        case .illegalTransition(let id, let state, let event):
            if case .admitting = state {
                return "\(id): already being accepted (connecting to the upstream)"
            }
            return "\(id): cannot \(event.verb) a request that is \(state.name)"
        case .awaitingProxyHeader(let id):
            return "\(id): still waiting for its PROXY header; reject it, or wait until the caller is known"
        }
    }
}

extension LifecycleEvent {
    /// The verb for error messages.
    var verb: String {
        switch self {
        case .queue: "queue"
        case .overflow: "overflow"
        case .accept: "accept"
        case .reject(.close): "reject"
        case .reject(.reset): "reset"
        case .deferral: "defer"
        case .deferralEnded: "end the deferral of"
        case .timeout: "time out"
        case .withdraw: "withdraw"
        case .upstreamConnected: "connect the upstream of"
        case .upstreamFailed: "fail the upstream of"
        }
    }
}
