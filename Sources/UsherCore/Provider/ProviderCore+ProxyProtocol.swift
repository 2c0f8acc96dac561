/// The PROXY protocol: a request from a trusted proxy waits, without any condition evaluated,
/// until its header is read; then the original source is the caller every rule sees, and the
/// header is stripped from the caller data (the upstream never gets it).
extension ProviderCore {
    /// Starts waiting for the header when the peer is a trusted proxy; `false` otherwise.
    mutating func awaitProxyHeader(_ request: inout Request, at now: Moment) -> Bool {
        guard configuration.trustsProxyHeader(from: request.peer.host) else { return false }
        request.proxyProtocol = .awaitingHeader
        request.outcomes.append(ConditionOutcome(
            condition: Decider.proxyProtocol.conditionName, verdict: .waitingForData,
            reason: "waiting for the PROXY header of trusted proxy \(request.peer.host)", at: now))
        deadlines.insert(Deadline(at: now + configuration.proxyHeaderTimeout, id: request.id, kind: .proxyHeaderEnd))
        return true
    }

    /// Reads the header from the caller data so far (of a request taken out of the queue): once
    /// whole, it names the source, leaves the conditions to decide, and is stripped; a
    /// malformed one closes the connection.
    mutating func readProxyHeader(_ request: inout Request, at now: Moment, into output: inout ProviderOutput) {
        guard request.isAwaitingProxyHeader, request.state == .pending else { return }
        switch ProxyHeader.read(request.callerData.bytes) {
        case .incomplete:
            return
        case .invalid(let reason):
            refuseProxyHeader(&request, reason: reason, at: now, into: &output)
        case .header(let header, let length):
            request.proxyProtocol = .received(header)
            request.callerData.removeFirst(length)
            request.outcomes = []  // the wait is over; the conditions say what follows
            if let source = header.source?.host { moveSource(of: &request, to: source) }
            output.actions.append(.connection(request.id, .stripProxyHeader(length: length)))
            if !request.callerData.bytes.isEmpty { publish(.callerData, request, at: now, into: &output) }
            evaluateConditions(&request, at: now, into: &output)
        }
    }

    /// Closes the connection of a trusted proxy that sent no valid header in time.
    mutating func refuseProxyHeader(_ request: inout Request, reason: String, at now: Moment, into output: inout ProviderOutput) {
        guard request.isAwaitingProxyHeader else { return }
        let decision = Decision.reject(.close)
        record(ConditionOutcome(condition: Decider.proxyProtocol.conditionName, verdict: .decided(decision),
                                reason: reason, at: now), in: &request, into: &output)
        apply(decision, to: &request, by: .proxyProtocol, at: now, into: &output)
    }

    /// The time for the header is over.
    mutating func proxyHeaderTimedOut(_ request: inout Request, at now: Moment, into output: inout ProviderOutput) {
        let waited = DurationText.format(configuration.proxyHeaderTimeout)
        refuseProxyHeader(&request, reason: "no complete PROXY header within \(waited)", at: now, into: &output)
    }

    /// Counts an open connection under its original source instead of the proxy's address.
    private mutating func moveSource(of request: inout Request, to source: String) {
        request.source = source
        let id = request.id
        guard let old = openConnections[id]?.source, old != source else { return }
        openConnections[id]?.source = source
        countConnection(from: old, by: -1)
        countConnection(from: source, by: 1)
    }
}
