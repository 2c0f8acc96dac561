import Foundation
import UsherCore
import UsherWire

/// Turns a gate's events into journal writes: a row when a request ends, its connection's bytes
/// when that closes, and the daemon's own steps (rules reloaded or refused, decisions
/// remembered or forgotten). An observer on the gate's event thread; it only queues.
public struct JournalRecorder: Sendable {
    public let writer: JournalWriter
    /// The daemon's start, milliseconds since the epoch: IDs begin again with each start.
    public let run: Int64
    private let listeners: ListenerNames
    private let policy: String

    /// The events it needs: how each request ended, and the ends of proxied connections (no
    /// step on the way: a request is not shared with an event while it changes).
    public static let interest: EventInterest = [.endings, .traffic]

    /// - Parameters:
    ///   - listeners: each listener's address, by ``ListenerID`` index.
    ///   - policy: the daemon's `--policy`, recorded with each request.
    public init(writer: JournalWriter, run: Int64, listeners: ListenerNames, policy: String) {
        self.writer = writer
        self.run = run
        self.listeners = listeners
        self.policy = policy
    }

    public func record(_ event: GateEvent) {
        let clock = WireClock(now: .now)
        switch event.event {
        case .request(let step):
            record(step, clock: clock)
        case .rules(let change):
            daemon(change.journalKind, change.journalDetail, at: clock.date(change.at))
        case .listener:
            break
        }
    }

    /// Records a step of the daemon itself: `start`, `stop`, `refused`…
    public func daemon(_ kind: String, _ detail: String, at date: Date = Date()) {
        writer.submit(.daemon(DaemonRecord(kind: kind, at: Self.milliseconds(date), run: run, detail: detail)))
    }

    private func record(_ step: RequestEvent, clock: WireClock) {
        switch step.kind {
        case .accepted, .rejected, .withdrawn, .expired, .overflowed:
            let request = step.request
            let listener = listeners[request.listener]
            writer.submit(.request(RequestRecord(request, run: run, listener: listener, policy: policy, clock: clock)))
        case .closed(let transferred):
            writer.submit(.closed(
                run: run, sequence: Int64(step.request.id.sequence), bytesUp: Int64(transferred.toUpstream),
                bytesDown: Int64(transferred.toClient), at: Self.milliseconds(clock.date(step.at))))
        case .arrived, .callerData, .evaluated, .deferred, .undeferred:
            break
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

extension RulesEvent {
    /// `rules-reloaded`, `rules-refused`, `remembered`, `forgotten`.
    var journalKind: String {
        switch kind {
        case .reloaded: "rules-reloaded"
        case .refused: "rules-refused"
        case .remembered: "remembered"
        case .forgotten: "forgotten"
        }
    }

    var journalDetail: String {
        let file = file.map { "\($0): " } ?? ""
        switch kind {
        case .reloaded(let rules, let reevaluated): return "\(file)\(rules) rules in force, \(reevaluated) pending evaluated again"
        case .refused(let reason): return "\(file)\(TerminalText.escaped(reason.split(separator: "\n").joined(separator: "; ")))"
        case .remembered(let rule): return TerminalText.escaped("\(rule.name): \(rule.action.name) \(rule.matchers.map(\.description).joined(separator: ", "))")
        case .forgotten(let name): return TerminalText.escaped(name)
        }
    }
}
