import Foundation
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// One line per event for people, as `usher watch` prints them:
///
/// ```
/// 14:02:11.118  r1   arrived     127.0.0.1:41236 -> 127.0.0.1:8080
/// 14:02:13.500  r1   accepted    by pid 4411, waited 2.4s
/// ```
public enum EventText {
    /// The line of an event, escaped for terminals; `nil` for events people do not need to see
    /// (stats ticks).
    public static func line(_ event: WireEvent) -> String? {
        guard let detail = detail(event) else { return nil }
        let subject = event.request?.id ?? event.listener.map { "l\($0.id)" } ?? (event.kind == .notice ? "usher" : "-")
        let line = [localTime(event.at), subject.padding(to: 5), event.kind.name.padding(to: 10), detail]
            .joined(separator: "  ")
        return TerminalText.escaped(line)
    }

    /// What happened, without time and subject: `by pid 4411, waited 2.4s`; `nil` for stats
    /// ticks, host samples and kinds this usher does not know.
    public static func detail(_ event: WireEvent) -> String? {
        switch event.detail {
        case .request(let step, let request):
            return detail(step, request)
        case .paused(let listener, let limit, _):
            let reason = limit == .connections ? "connection limit reached" : "pending queue full"
            return "\(listener.address) \(reason) (\(listener.pending)/\(listener.maxPending)); new clients wait in the kernel backlog"
        case .resumed(let listener, _):
            return "\(listener.address) accepting again (\(listener.pending)/\(listener.maxPending))"
        case .rules(let change):
            return detail(change)
        case .notice(let notice):
            return "\(notice.source): \(notice.text)"
        case .stats, .host, .unknown:
            return nil
        }
    }

    private static func detail(_ change: WireRulesChange) -> String {
        let file = change.file ?? "the rules"
        switch change.change {
        case "reloaded":
            let again = (change.reevaluated ?? 0) > 0 ? ", \(change.reevaluated ?? 0) pending evaluated again" : ""
            return "\(file): \(change.rules ?? 0) rules in force\(again)"
        case "refused":
            let reason = change.reason?.split(separator: "\n").joined(separator: "; ") ?? "?"
            return "\(file) refused, the old rules stay: \(reason)"
        case "remembered":
            guard let rule = change.rule else { return change.name ?? "?" }
            let until = rule.expires.map { $0 == "restart" ? " until restart" : " until \(localTime($0))" } ?? " for good"
            return "\(rule.name): \(rule.action) \(rule.matchers.joined(separator: ", "))\(until)"
        default:
            return change.name ?? change.change
        }
    }

    private static func detail(_ step: RequestStep, _ request: WireRequest) -> String {
        let waited = "waited \(DurationText.format(.milliseconds(request.ageMs)))"
        let by = request.decidedBy.map { "by \($0)" }
        switch step {
        case .arrived:
            return "\(request.clientAndProxy) -> \(request.local)"
        case .data:
            return "\(request.callerData.total) bytes: \(request.callerData.summary)"
        case .outcome(let outcome):
            return "\(outcome.condition): \(outcome.verdict) (\(outcome.reason))"
        case .deferred(let until):
            return ["until \(localTime(until))", by].compactMap { $0 }.joined(separator: " ")
        case .undeferred:
            return "pending again, \(waited)"
        case .rejected(let mode):
            return [[mode.rawValue, by].compactMap { $0 }.joined(separator: " "), waited].joined(separator: ", ")
        case .expired(let action):
            return [["action \(action.rawValue)", by].compactMap { $0 }.joined(separator: " "), waited].joined(separator: ", ")
        case .accepted, .overflowed:
            return [by, waited].compactMap { $0 }.joined(separator: ", ")
        case .withdrawn:
            return waited
        case .closed(let up, let down):
            return "\(ByteCountText.format(up)) to the upstream, \(ByteCountText.format(down)) to the client, "
                + "lasted \(DurationText.format(.milliseconds(request.ageMs)))"
        }
    }

    /// `HH:MM:SS.mmm` in local time, from a wire time.
    public static func localTime(_ text: String) -> String {
        guard let date = WireClock.parse(text) else { return text }
        return localTime(date)
    }

    /// `HH:MM:SS.mmm` in local time.
    public static func localTime(_ date: Date) -> String {
        time(date, face: .local)
    }

    /// `HH:MM:SS.mmm` in local time or in UTC.
    public static func time(_ date: Date, face: ClockFace) -> String {
        let seconds = date.timeIntervalSince1970
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        switch face {
        case .local: localtime_r(&time, &parts)
        case .utc: gmtime_r(&time, &parts)
        }
        let milliseconds = Int((seconds - seconds.rounded(.down)) * 1000)
        return String(format: "%02d:%02d:%02d.%03d", parts.tm_hour, parts.tm_min, parts.tm_sec, milliseconds)
    }
}

/// Which clock times of day are shown on.
public enum ClockFace: Hashable, Sendable {
    /// The local time zone (`TZ`, else the system's).
    case local
    /// Coordinated universal time.
    case utc
}
