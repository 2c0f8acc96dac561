import Foundation
import UsherWire

extension WireJournalRow {
    /// A journal row as `usher log --json` prints it and the control protocol sends it: times as
    /// wire times, the outcomes as objects.
    public init(_ entry: JournalReader.Entry, numbered: Bool = true) {
        let record = entry.record
        self.init(
            number: numbered ? entry.number : nil, id: record.id, run: Self.time(record.run), listener: record.listener,
            peer: record.peer, source: record.source, local: record.local, arrived: Self.time(record.arrivedAt),
            ended: Self.time(record.endedAt), state: record.state, policy: record.policy, outcomes: Self.outcomes(record.outcomes),
            preview: record.preview, dataBytes: record.dataBytes, waitMs: record.waitMs)
        decidedBy = record.decidedBy
        deciderKind = record.deciderKind
        deciderUid = record.deciderUid
        deciderUser = record.deciderUser
        deciderPid = record.deciderPid
        rule = record.rule
        reason = record.reason
        tlsServerName = record.tlsServerName
        httpHost = record.httpHost
        httpRequest = record.httpRequest
        bytesUp = record.bytesUp
        bytesDown = record.bytesDown
        closed = record.closedAt.map(Self.time)
        connectionMs = record.connectionMs
    }

    private static func time(_ milliseconds: Int64) -> String {
        WireClock.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// The stored outcomes (times in milliseconds) with wire times.
    private static func outcomes(_ json: String) -> [WireOutcome] {
        struct Stored: Decodable {
            var at: Int64
            var condition: String
            var reason: String
            var verdict: String
        }
        let stored = (try? JSONDecoder().decode([Stored].self, from: Data(json.utf8))) ?? []
        return stored.map { WireOutcome(condition: $0.condition, verdict: $0.verdict, reason: $0.reason, at: time($0.at)) }
    }
}
