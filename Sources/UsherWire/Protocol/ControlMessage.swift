/// One line the server sends: an answer to a request (with its `id`), an event of a
/// subscription, a resync, an error, or the goodbye when the daemon stops.
///
/// ```json
/// {"v":1,"id":1,"type":"hello","hello":{"protocol":1,"version":"0.1.0","pid":4411,"uptime_ms":5120,"role":"operator"}}
/// {"v":1,"id":7,"type":"event","event":{"seq":42,"kind":"arrived","at":"…","request":{…}}}
/// ```
public enum ControlMessage: Hashable, Sendable {
    case hello(WireHello)
    case snapshot(WireSnapshot)
    case stats(WireStats)
    case decided([WireDecision])
    case rules(WireRules)
    /// A page of the daemon's journal.
    case journal(WireJournalPage)
    case event(WireEvent)
    case resync(WireResync)
    case error(ControlError)
    case bye(WireBye)

    /// The `type` field.
    public var type: String {
        switch self {
        case .hello: "hello"
        case .snapshot: "snapshot"
        case .stats: "stats"
        case .decided: "decided"
        case .rules: "rules"
        case .journal: "journal"
        case .event: "event"
        case .resync: "resync"
        case .error: "error"
        case .bye: "bye"
        }
    }
}

/// A server line: `v`, the `id` of the request it answers, and the message.
public struct ControlLine: Hashable, Sendable, Codable {
    public var v: Int
    public var id: MessageID?
    public var message: ControlMessage

    public init(id: MessageID?, message: ControlMessage) {
        self.v = ControlProtocol.version
        self.id = id
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case v, id, type
        case hello, snapshot, stats, decided, rules, journal, event, resync, error, bye
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(v, forKey: .v)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(message.type, forKey: .type)
        switch message {
        case .hello(let hello): try container.encode(hello, forKey: .hello)
        case .snapshot(let snapshot): try container.encode(snapshot, forKey: .snapshot)
        case .stats(let stats): try container.encode(stats, forKey: .stats)
        case .decided(let results): try container.encode(results, forKey: .decided)
        case .rules(let rules): try container.encode(rules, forKey: .rules)
        case .journal(let page): try container.encode(page, forKey: .journal)
        case .event(let event): try container.encode(event, forKey: .event)
        case .resync(let resync): try container.encode(resync, forKey: .resync)
        case .error(let error): try container.encode(error, forKey: .error)
        case .bye(let bye): try container.encode(bye, forKey: .bye)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        v = try container.decode(Int.self, forKey: .v)
        id = try container.decodeIfPresent(MessageID.self, forKey: .id)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "hello": message = .hello(try container.decode(WireHello.self, forKey: .hello))
        case "snapshot": message = .snapshot(try container.decode(WireSnapshot.self, forKey: .snapshot))
        case "stats": message = .stats(try container.decode(WireStats.self, forKey: .stats))
        case "decided": message = .decided(try container.decode([WireDecision].self, forKey: .decided))
        case "rules": message = .rules(try container.decode(WireRules.self, forKey: .rules))
        case "journal": message = .journal(try container.decode(WireJournalPage.self, forKey: .journal))
        case "event": message = .event(try container.decode(WireEvent.self, forKey: .event))
        case "resync": message = .resync(try container.decode(WireResync.self, forKey: .resync))
        case "error": message = .error(try container.decode(ControlError.self, forKey: .error))
        case "bye": message = .bye(try container.decode(WireBye.self, forKey: .bye))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown message type '\(type)'")
        }
    }
}
