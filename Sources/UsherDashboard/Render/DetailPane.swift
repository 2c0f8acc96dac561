import Foundation
import UsherWire

/// The detail of one request: where from, when, its state and deadlines, every condition
/// outcome with its reason, and the caller data in hex and ASCII.
struct DetailPane {
    let row: PendingRow?
    let dashboard: Dashboard
    let now: Date
    let drawing: LineDrawing

    typealias Line = [(String, Slot)]

    func title() -> [(String, Slot)] {
        guard let row else { return [drawing.paneTitle("Detail", focused: dashboard.focus == .lower)] }
        let request = row.request
        return [drawing.paneTitle(request.id, focused: dashboard.focus == .lower),
                ("\(request.clientAndProxy) → \(request.local)", .value),
                ("arrived \(EventText.time(row.arrivedAt, face: dashboard.options.clockFace))", .muted),
                ("\(request.state) \(Numbers.duration(from: row.arrivedAt, to: now))", .muted)]
    }

    func draw(into canvas: inout Canvas, body: Rect) {
        guard let row else {
            let text = dashboard.departed.map { "\($0.text). Enter closes the detail." } ?? "No request selected. Enter closes the detail."
            canvas.putCentered(text, in: body.row(body.height / 2), slot: .muted)
            return
        }
        canvas.drawScrolled(lines(row, width: body.width - 2), in: body, from: dashboard.lowerScroll)
    }

    func lines(_ row: PendingRow, width: Int) -> [Line] {
        let request = row.request
        var lines: [Line] = []
        var state: Line = [("State      ", .label), (request.state, request.state == "deferred" ? .deferred : .pending)]
        if let until = row.deferredUntil {
            state.append(("  until \(EventText.time(until, face: dashboard.options.clockFace)) (in \(Numbers.duration(from: now, to: until)))", .deferred))
        }
        if let timeout = row.timeoutAt {
            state.append(("  timeout in \(Numbers.duration(from: now, to: timeout))", .muted))
        }
        if request.callerFinishedSending { state.append(("  client finished sending", .muted)) }
        lines.append(state)
        lines.append([("Conditions", .label)])
        if request.outcomes.isEmpty { lines.append([("  none evaluated yet", .muted)]) }
        let nameWidth = request.outcomes.map { $0.condition.count }.max() ?? 0
        let verdictWidth = request.outcomes.map { $0.verdict.count }.max() ?? 0
        for (index, outcome) in request.outcomes.enumerated() {
            let time = WireClock.parse(outcome.at).map { EventText.time($0, face: dashboard.options.clockFace) } ?? outcome.at
            lines.append([("  \(index + 1) ", .muted), (outcome.condition.padding(to: nameWidth + 2), .value),
                          (outcome.verdict.padding(to: verdictWidth + 2), verdictSlot(outcome.verdict)),
                          (outcome.reason, .row), ("  \(time)", .muted)])
        }
        let data = request.callerData
        let bytes = data.bytes
        let shown = bytes.count < data.total ? ", first \(bytes.count) shown" : ""
        lines.append([("Caller data", .label), (" (\(data.total) bytes\(shown))", .muted)])
        if let http = data.httpRequest {
            lines.append([("  HTTP ", .muted), (http, .value)] + (data.httpHost.map { [("  Host ", .muted), ($0, .value)] } ?? []))
        }
        for line in HexDump.lines(bytes, bytesPerLine: HexDump.bytesPerLine(forWidth: width - 2)) {
            lines.append([("  \(line.offset)  ", .hexOffset), (line.hex, .hexBytes), ("  \(line.text)", .hexText)])
        }
        return lines
    }

    private func verdictSlot(_ verdict: String) -> Slot {
        if verdict.hasPrefix("accept") { return .accepted }
        if verdict.hasPrefix("reject") || verdict.hasPrefix("reset") { return .rejected }
        if verdict.hasPrefix("defer") { return .deferred }
        return .pending
    }
}
