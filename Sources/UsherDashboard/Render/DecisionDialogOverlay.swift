/// The decision dialog in a box over the panes: three rows of choices (the chosen one in
/// brackets, the focused row marked), what Enter will do, and the keys.
struct DecisionDialogOverlay {
    let dialog: DecisionDialog
    /// `false` once the request has left the queue: Enter then decides nothing.
    let isStillPending: Bool
    let drawing: LineDrawing

    func lines() -> [OverlayBox.Line] {
        [
            row(.decision, "Decision", DecisionDialog.Choice.allCases.map { ($0.rawValue, $0 == dialog.choice, true) }),
            row(.scope, "Scope", dialog.scopes.indices.map { index in
                let option = dialog.scopes[index]
                return (option.label, index == dialog.scopeIndex, option.subject != nil)
            }),
            row(.duration, "For", DecisionDialog.Length.allCases.map { ($0.rawValue, $0 == dialog.length, true) }),
            [],
            isStillPending
                ? [("\(drawing.enterKey) ", .key), (dialog.consequence, .value)]
                : [("\(dialog.requestID) is no longer pending: nothing will be decided", .statusError)],
            [("Left/Right", .key), (" choose  ", .keyHint), ("Up/Down/Tab", .key), (" row  ", .keyHint),
             (drawing.enterKey, .key), (" apply  ", .keyHint), ("Esc", .key), (" cancel", .keyHint)],
        ]
    }

    /// `▶ Scope     [connection]  peer  net  sni …`: unavailable choices muted.
    private func row(_ field: DecisionDialog.Field, _ name: String, _ choices: [(String, Bool, Bool)]) -> OverlayBox.Line {
        let focused = dialog.field == field
        var line: OverlayBox.Line = [(focused ? "\(drawing.selected) " : "  ", .key), (name.padding(to: 10), .label)]
        for (label, chosen, available) in choices {
            let text = chosen ? "[\(label)]" : " \(label) "
            let slot: Slot = chosen ? (focused ? .rowSelected : .value) : available ? .row : .muted
            line.append((text, slot))
            line.append((" ", .normal))
        }
        return line
    }

    func draw(into canvas: inout Canvas) {
        OverlayBox(title: [("Decide \(dialog.requestID)", .paneTitle), (dialog.summary, .value)],
                   lines: lines(), drawing: drawing).draw(into: &canvas)
    }
}
