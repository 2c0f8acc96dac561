import Foundation
import UsherCore

/// The bottom line: the keys (always visible, as in htop), or the question being asked.
struct FunctionBar {
    let dashboard: Dashboard
    let drawing: LineDrawing
    let now: Date

    func draw(into canvas: inout Canvas, row: Rect) {
        canvas.fill(row, slot: .keyHint)
        if let prompt = dashboard.prompt { return drawPrompt(prompt, into: &canvas, row: row) }
        let entries = dashboard.shownKeys.bindings.compactMap { binding -> (key: String, label: String, command: Command)? in
            guard let short = binding.short else { return nil }
            let key = binding.command == .toggleTag ? drawing.spaceKey
                : binding.command == .detail ? drawing.enterKey : binding.label
            return (key, short, binding.command)
        }
        var shown = entries
        func width(gap: Int) -> Int { shown.reduce(0) { $0 + TerminalWidth.of($1.key) + 1 + $1.label.count + gap } }
        // The decision keys, help and quit always show; the others give way on narrow screens.
        for command in Self.droppable where width(gap: 1) > row.width { shown.removeAll { $0.command == command } }
        let gap = width(gap: 2) <= row.width ? 2 : 1
        var x = row.x
        for entry in shown {
            x += canvas.put(entry.key, x: x, y: row.y, slot: .key)
            x += canvas.put(" " + entry.label + String(repeating: " ", count: gap), x: x, y: row.y, slot: .keyHint, limit: row.maxX - x)
        }
    }

    static let droppable: [Command] = [.switchPane, .acceptAll, .toggleTag, .sort, .detail, .filter]

    private func drawPrompt(_ prompt: Prompt, into canvas: inout Canvas, row: Rect) {
        let (question, hint): (String, String)
        switch prompt {
        case .filter(let text, _):
            (question, hint) = ("Filter: \(text)_", "  peer 10.0.0.0/8, listener :8080 or text · Enter keep · Esc undo")
        case .hostFilter(let text, _):
            (question, hint) = ("Filter host listeners: \(text)_", "  port :5432, address, process or pid · Enter keep · Esc undo")
        case .deferral(let text, let ids, let proposed):
            let which = ids.count == 1 ? ids[0] : "\(ids.count) requests"
            var note = proposed ? "  type to replace" : ""
            if let duration = try? DurationText.parse(text), duration > .zero,
               let soonest = dashboard.timeoutBeforeDeferralEnds(duration, ids: ids, now: now) {
                let left = Numbers.duration(from: now, to: now.addingTimeInterval(max(0, soonest.left)))
                note = "  longer than the \(left) \(soonest.id) has left: its timeout moves back \(DurationText.format(duration))"
            }
            (question, hint) = ("Defer \(which) for: \(text)_", "\(note) · 500ms, 30s, 5m · Enter defer · Esc cancel")
        case .command(let text):
            (question, hint) = (":\(text)_", "  Tab complete · Up/Down recall · Enter run · Esc cancel")
        case .confirm(let confirmation):
            (question, hint) = (confirmation.countToType == nil ? "Confirm: " : "Confirm by typing the count: ", confirmation.hint)
        }
        let x = canvas.put(question, x: row.x, y: row.y, slot: .prompt, limit: row.width)
        canvas.put(hint, x: row.x + x, y: row.y, slot: .keyHint, limit: row.width - x)
    }
}
