extension LineDrawing {
    /// A pane's name in its rule: the focused pane's is marked (`▶ Pending (3)`) and bright, so
    /// the pane that keys act on is obvious in any theme, in monochrome and in plain text.
    func paneTitle(_ text: String, focused: Bool) -> (String, Slot) {
        focused ? ("\(selected) \(text)", .paneTitle) : (text, .label)
    }
}
