import Foundation
import NIOConcurrencyHelpers
import UsherCore
import UsherWire

/// What the daemon tells its operators besides requests: one-off ``WireNotice``s (a notification
/// failed, an operator was refused) and lasting ``WireAlert``s (the journal cannot write).
///
/// Notices of one source go out at most once per ``interval``; the rest are counted and told as
/// one notice when the interval is over (``flush(now:)``), so a flood of refusals is one line a
/// second, not a line each. Thread-safe; observers are called outside its lock.
public final class NoticeBoard: Sendable {
    public typealias Observer = @Sendable (WireNotice, Date) -> Void

    private struct State {
        var observers: [Observer] = []
        var alerts: [WireAlert] = []
        var lastPosted: [String: Date] = [:]
        /// Notices held back per source since it last posted, with the level of the worst.
        var held: [String: (count: Int, level: WireNotice.Level)] = [:]
    }

    private let state = NIOLockedValueBox(State())
    /// The shortest time between two notices of one source.
    public let interval: TimeInterval

    public init(interval: TimeInterval = 1) {
        self.interval = interval
    }

    /// Calls `observer` with every notice posted from now on.
    public func observe(_ observer: @escaping Observer) {
        state.withLockedValue { $0.observers.append(observer) }
    }

    /// Tells `notice` (its text escaped for terminals), or counts it when its source told one
    /// less than ``interval`` ago. `always`: told even then (the answer to an operator's act,
    /// such as a reload, which one at a time cannot flood).
    public func post(_ notice: WireNotice, now: Date = Date(), always: Bool = false) {
        var notice = notice
        notice.text = TerminalText.escaped(notice.text)
        let observers: [Observer] = state.withLockedValue { state in
            if !always, let last = state.lastPosted[notice.source], now.timeIntervalSince(last) < interval {
                let held = state.held[notice.source]
                let level: WireNotice.Level = notice.level == .warning ? .warning : held?.level ?? .notice
                state.held[notice.source] = ((held?.count ?? 0) + 1, level)
                return []
            }
            state.lastPosted[notice.source] = now
            return state.observers
        }
        for observer in observers { observer(notice, now) }
    }

    /// Tells, as one notice per source, those held back for longer than ``interval``.
    public func flush(now: Date = Date()) {
        let (observers, notices): ([Observer], [WireNotice]) = state.withLockedValue { state in
            var due: [WireNotice] = []
            for (source, held) in state.held.sorted(by: { $0.key < $1.key }) {
                guard let last = state.lastPosted[source], now.timeIntervalSince(last) >= interval else { continue }
                let more = held.count == 1 ? "1 more \(source) notice" : "\(held.count) more \(source) notices"
                due.append(WireNotice(source: source, level: held.level, text: "\(more) in the last \(Self.seconds(now.timeIntervalSince(last)))"))
                state.held[source] = nil
                state.lastPosted[source] = now
            }
            return (due.isEmpty ? [] : state.observers, due)
        }
        for notice in notices {
            for observer in observers { observer(notice, now) }
        }
    }

    /// Raises `alert`, replacing one of the same source; `true` when it is new or changed.
    @discardableResult
    public func raise(_ alert: WireAlert) -> Bool {
        state.withLockedValue { state in
            if let index = state.alerts.firstIndex(where: { $0.source == alert.source }) {
                defer { state.alerts[index] = alert }
                return state.alerts[index] != alert
            }
            state.alerts.append(alert)
            return true
        }
    }

    /// Clears the alert of `source`; `true` when there was one.
    @discardableResult
    public func clear(source: String) -> Bool {
        state.withLockedValue { state in
            let before = state.alerts.count
            state.alerts.removeAll { $0.source == source }
            return state.alerts.count != before
        }
    }

    /// The alerts raised now, oldest first.
    public var alerts: [WireAlert] {
        state.withLockedValue { $0.alerts }
    }

    private static func seconds(_ interval: TimeInterval) -> String {
        let whole = max(1, Int(interval.rounded()))
        return whole == 1 ? "second" : "\(whole) seconds"
    }
}
