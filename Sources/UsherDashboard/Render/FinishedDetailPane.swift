import Foundation
import UsherCore
import UsherWire

/// The detail of a finished request, from its journal row: what became of it, who decided and
/// why, every condition outcome, what the client sent, what the proxied connection carried.
struct FinishedDetailPane {
    let finished: FinishedRequest
    let dashboard: Dashboard
    let drawing: LineDrawing

    typealias Line = [(String, Slot)]

    func title() -> [(String, Slot)] {
        var titles = [drawing.paneTitle(finished.id, focused: dashboard.focus == .lower)]
        if let row = finished.row {
            titles.append((row.state, JournalHistory.slot(row.state)))
            titles.append(("from the journal", .muted))
        }
        return titles
    }

    func draw(into canvas: inout Canvas, body: Rect) {
        guard let row = finished.row else {
            let text = finished.missing.map { "\($0). Enter closes the detail." } ?? "Reading \(finished.id) from the journal…"
            canvas.putCentered(text, in: body.row(body.height / 2), slot: .muted)
            return
        }
        canvas.drawScrolled(lines(row), in: body, from: dashboard.lowerScroll)
    }

    func lines(_ row: WireJournalRow) -> [Line] {
        let face = dashboard.options.clockFace
        func time(_ text: String) -> String { WireClock.parse(text).map { EventText.time($0, face: face) } ?? text }
        func field(_ label: String, _ value: String?, _ slot: Slot = .value) -> Line? {
            value.map { [(label.padding(to: 11), .label), ($0, slot)] }
        }
        let client = row.source.map { "\($0) via \(row.peer)" } ?? row.peer
        let fields: [Line?] = [
            field("State", "\(row.state), waited \(DurationText.format(.milliseconds(row.waitMs)))", JournalHistory.slot(row.state)),
            field("Decided by", row.decidedBy ?? "nobody: the client left"),
            field("Why", row.reason == row.decidedBy ? nil : row.reason),
            field("Rule", row.rule),
            field("Policy", row.policy, .muted),
            field("Client", "\(client) → \(row.local) (listener \(row.listener))"),
            field("Arrived", time(row.arrived)),
            field("Ended", time(row.ended)),
            field("Proxied", proxied(row)),
            field("Daemon", "started \(time(row.run))", .muted),
        ]
        var lines = fields.compactMap { $0 }
        lines.append([("Conditions", .label)])
        if row.outcomes.isEmpty { lines.append([("  none", .muted)]) }
        let nameWidth = row.outcomes.map { $0.condition.count }.max() ?? 0
        let verdictWidth = row.outcomes.map { $0.verdict.count }.max() ?? 0
        for (index, outcome) in row.outcomes.enumerated() {
            lines.append([("  \(index + 1) ", .muted), (outcome.condition.padding(to: nameWidth + 2), .value),
                          (outcome.verdict.padding(to: verdictWidth + 2), .row), (outcome.reason, .row), ("  \(time(outcome.at))", .muted)])
        }
        lines.append([("Caller data", .label), (" (\(row.dataBytes) bytes)", .muted)])
        if let http = row.httpRequest {
            lines.append([("  HTTP ", .muted), (http, .value)] + (row.httpHost.map { [("  Host ", .muted), ($0, .value)] } ?? []))
        }
        if let name = row.tlsServerName { lines.append([("  TLS SNI ", .muted), (name, .value)]) }
        if !row.preview.isEmpty { lines.append([("  ", .muted), (row.preview, .hexText)]) }
        return lines
    }

    private func proxied(_ row: WireJournalRow) -> String? {
        guard let up = row.bytesUp, let down = row.bytesDown else { return row.state == "accepted" ? "open (or not closed yet when read)" : nil }
        let duration = row.connectionMs.map { ", open \(DurationText.format(.milliseconds($0)))" } ?? ""
        return "\(ByteCountText.format(Int(up))) up, \(ByteCountText.format(Int(down))) down\(duration)"
    }
}
