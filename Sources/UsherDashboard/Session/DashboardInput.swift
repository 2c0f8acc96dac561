import Foundation
import UsherWire

/// What reaches the dashboard from its connections to the daemon.
public enum DashboardInput: Sendable {
    case hello(WireHello)
    /// A line of the subscription: snapshot, event, resync, bye.
    case message(ControlMessage)
    /// The answer to a decision.
    case decided([WireDecision])
    case decisionFailed(String)
    /// A page of the journal, answering the request.
    case journal(WireJournalPage, for: JournalPageRequest)
    /// The journal could not be read.
    case journalFailed(String, for: JournalPageRequest)
    /// The subscription ended.
    case disconnected(String)
}

extension Dashboard {
    /// Applies one input; returns the actions it calls for.
    public mutating func receive(_ input: DashboardInput, now: Date) -> [DashboardAction] {
        switch input {
        case .hello(let hello): receive(hello: hello)
        case .message(let message): return receive(message, now: now)
        case .decided(let results): receive(results: results, now: now)
        case .decisionFailed(let reason): receive(failure: reason, now: now)
        case .journal(let page, let request): receive(page: page, for: request, now: now)
        case .journalFailed(let reason, let request): journalFailed(reason, for: request, now: now)
        case .disconnected(let reason): disconnected(because: reason, now: now)
        }
        return []
    }
}
