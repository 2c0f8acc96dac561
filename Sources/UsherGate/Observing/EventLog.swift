import Logging
import UsherCore

/// Writes one structured log line per lifecycle event.
///
/// Lines carry the event as the message and the facts as metadata, e.g.
/// `accepted id=r3 peer=127.0.0.1:51234 listener=127.0.0.1:8080 by=policy waited=2ms`.
/// Outcomes of conditions log at `debug`, lifecycle steps at `info`, listener pauses at `notice`.
struct EventLog: Sendable {
    private let logger: Logger
    private let listenerNames: ListenerNames

    /// - Parameter listenerNames: the display name of each listener, by ``ListenerID`` index.
    init(logger: Logger, listenerNames: ListenerNames) {
        self.logger = logger
        self.listenerNames = listenerNames
    }

    /// The request events it writes lines for at the logger's level.
    var interest: EventInterest {
        switch logger.logLevel {
        case .trace, .debug: .all
        case .info: .steps
        default: []
        }
    }

    /// Writes the log line of one event (nothing for events below the logger's level).
    func record(_ event: ProviderEvent) {
        switch event {
        case .request(let event):
            record(event)
        case .listener(let event):
            record(event)
        case .rules(let event):
            record(event)
        }
    }

    private func record(_ event: RulesEvent) {
        var metadata: Logger.Metadata = [:]
        if let file = event.file { metadata["file"] = "\(file)" }
        switch event.kind {
        case .reloaded(let rules, let reevaluated):
            metadata["rules"] = "\(rules)"
            metadata["reevaluated"] = "\(reevaluated)"
            logger.notice("rules reloaded", metadata: metadata)
        case .refused(let reason):
            metadata["error"] = "\(reason.split(separator: "\n").joined(separator: "; "))"
            logger.error("rules refused, the old rules stay in force", metadata: metadata)
        case .remembered(let rule):
            metadata["name"] = "\(rule.name)"
            metadata["action"] = "\(rule.action.name)"
            metadata["matchers"] = "\(rule.matchers.map(\.description).joined(separator: ", "))"
            logger.notice("decision remembered", metadata: metadata)
        case .forgotten(let name):
            metadata["name"] = "\(name)"
            logger.notice("remembered decision removed", metadata: metadata)
        }
    }

    private func record(_ event: ListenerEvent) {
        var metadata: Logger.Metadata = [
            "listener": "\(name(of: event.listener))", "pending": "\(event.status.counters.pending)",
            "limit": "\(event.status.limit)",
            "connections": "\(event.connections)",
        ]
        if let maxConnections = event.maxConnections { metadata["max_connections"] = "\(maxConnections)" }
        metadata["note"] = switch event.kind {
        case .paused(.pendingQueue): "pending queue full; new clients wait in the kernel backlog"
        case .paused(.connections): "connection limit reached; new clients wait in the kernel backlog"
        case .resumed: "room again; accepting"
        }
        logger.notice("\(event.kind.name)", metadata: metadata)
    }

    private func record(_ event: RequestEvent) {
        guard logger.logLevel <= event.kind.logLevel else { return }
        let request = event.request
        var metadata: Logger.Metadata = [
            "id": "\(request.id)", "peer": "\(request.peer)", "listener": "\(name(of: request.listener))",
        ]
        if let source = request.proxiedSource { metadata["source"] = "\(source)" }
        let waited = DurationText.format(request.age(at: event.at))
        switch event.kind {
        case .arrived:
            metadata["local"] = "\(request.local)"
        case .callerData:
            metadata["bytes"] = "\(request.callerData.totalCount)"
        case .evaluated:
            guard let outcome = request.lastOutcome else { return }
            metadata["condition"] = "\(outcome.condition)"
            metadata["verdict"] = "\(outcome.verdict)"
            metadata["reason"] = "\(outcome.reason)"
        case .deferred(let until):
            metadata["for"] = "\(DurationText.format(until - event.at))"
            metadata["by"] = "\(request.decider.map(String.init(describing:)) ?? "unknown")"
        case .undeferred:
            metadata["waited"] = "\(waited)"
        case .accepted, .rejected, .withdrawn, .expired, .overflowed:
            metadata["waited"] = "\(waited)"
            if let decider = request.decider { metadata["by"] = "\(decider)" }
            if let outcome = request.lastOutcome, event.kind != .withdrawn { metadata["reason"] = "\(outcome.reason)" }
            if case .rejected(let mode) = event.kind { metadata["mode"] = "\(mode.rawValue)" }
            if case .expired(let action) = event.kind { metadata["action"] = "\(action.rawValue)" }
        case .closed(let transferred):
            metadata["to_upstream"] = "\(transferred.toUpstream)"
            metadata["to_client"] = "\(transferred.toClient)"
            metadata["lasted"] = "\(waited)"
        }
        logger.log(level: event.kind.logLevel, "\(event.kind.name)", metadata: metadata)
    }

    private func name(of listener: ListenerID) -> String {
        listenerNames[listener]
    }
}

extension RequestEvent.Kind {
    /// Condition outcomes, caller data and the end of a proxied connection are detail
    /// (`debug`); lifecycle steps are `info`.
    var logLevel: Logger.Level {
        switch self {
        case .evaluated, .callerData, .closed: .debug
        default: .info
        }
    }
}
