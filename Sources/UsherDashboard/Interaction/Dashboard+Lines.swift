import Foundation

extension Dashboard {
    /// A line typed in line mode (`--line-mode`, `TERM=dumb`), where keys arrive a line at a
    /// time: each character is a key, as on the screen. The end of the line is Enter when the
    /// line typed into an open question that is still open (`d` then `20s`, `:` then
    /// `accept r4`, or `d20s` on one line), and an empty line is Enter; so `a` accepts, and `y`
    /// answers a confirmation, without an Enter that would act again.
    public mutating func press(line keys: [Key], now: Date) -> [DashboardAction] {
        guard !keys.isEmpty else { return press(.enter, now: now) }
        var actions: [DashboardAction] = []
        var typedIntoQuestion = false
        for key in keys {
            if takesTypedText { typedIntoQuestion = true }
            actions += press(key, now: now)
            if actions.contains(.quit) { return actions }
        }
        if typedIntoQuestion, takesTypedText { actions += press(.enter, now: now) }
        return actions
    }

    /// A question that takes typed text is open: a filter, a deferral, the command line, or a
    /// confirmation that asks for the count.
    var takesTypedText: Bool {
        guard let prompt else { return false }
        if case .confirm(let confirmation) = prompt { return confirmation.countToType != nil }
        return prompt.typed != nil
    }
}
