/// `?`: every key with what it does, and how to read the screen, in a box over the panes.
struct HelpOverlay {
    let keyMap: KeyMap
    let drawing: LineDrawing
    /// The first line shown, when the help is taller than the screen.
    var firstLine = 0

    func lines() -> [[(String, Slot)]] {
        var lines: [[(String, Slot)]] = [[("Keys", .paneTitle)]]
        let keyed = keyMap.bindings.filter { !$0.keys.isEmpty && !Self.movement.contains($0.command) }
        let keyWidth = keyed.map { keys(of: $0).count }.max() ?? 8
        for binding in keyed {
            lines.append([(keys(of: binding).padding(to: keyWidth + 2), .value), (binding.help, .row)])
        }
        lines.append([("Up Down PgUp PgDn Home End (or k j g G)", .value), ("  move; with Tab, scroll the lower pane; Ctrl-L redraws", .row)])
        lines.append([])
        lines.append([("Commands", .paneTitle), ("  after :, Tab completes, Up/Down recall", .muted)])
        let named = keyMap.bindings.filter { $0.name != nil }
        for binding in named where binding.keys.isEmpty || !binding.arguments.isEmpty {
            let usage = ":\(binding.name ?? "") \(binding.arguments)"
            lines.append([(usage, .value), (binding.keys.isEmpty ? "  " + binding.help : "", .row)])
        }
        lines.append([("TARGET", .value), (" \(KeyMap.target); none: the tagged or selected", .row)])
        let others = named.filter { $0.arguments.isEmpty && !$0.keys.isEmpty }.compactMap(\.name).map { ":" + $0 }
        lines.append([("As their keys do: ", .row)])
        for start in stride(from: 0, to: others.count, by: 6) {
            lines.append([("  " + others[start..<min(others.count, start + 6)].joined(separator: " "), .value)])
        }
        lines.append([])
        lines.append([("Reading the screen", .paneTitle)])
        lines.append([("\(drawing.selected) selected  \(drawing.tagged) tagged  ", .row), ("deferred", .deferred), (" rows wait for their deferral to end", .row)])
        lines.append([("AGE", .value), (" waited so far, ", .row), ("LEFT", .value), (" until the pending timeout applies its action", .row)])
        lines.append([("arrived = accepted + rejected + withdrawn + expired + overflowed + pending", .row), (" \(drawing.check)", .invariantOK)])
        lines.append([("Any key closes this help.", .muted)])
        return lines
    }

    static let movement: Set<Command> = [.up, .down, .pageUp, .pageDown, .top, .bottom, .redraw]

    private func keys(of binding: KeyMap.Binding) -> String {
        let function = keyMap.functionKey(of: binding.command).map { ", F\($0)" } ?? ""
        return binding.label + function
    }

    func draw(into canvas: inout Canvas) {
        OverlayBox(title: [("usher help", .paneTitle)], lines: lines(), drawing: drawing,
                   cutNote: "\(drawing.upDown) PgUp PgDn scroll, any other key closes", firstLine: firstLine).draw(into: &canvas)
    }
}
