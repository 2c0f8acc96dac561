import UsherWire

/// A question on the bottom line: text being typed, or a yes/no.
public enum Prompt: Hashable, Sendable {
    /// `/`: the filter as typed so far; the table follows each key.
    case filter(text: String, previous: String)
    /// `/` in the host listeners pane: its filter as typed so far; the pane follows each key.
    case hostFilter(text: String, previous: String)
    /// `d`: the deferral as typed so far, for these requests; `proposed` while it is still the
    /// proposal, which the first key typed replaces.
    case deferral(text: String, ids: [String], proposed: Bool)
    /// A bulk decision, a decision on requests not shown, or a quit, that waits for the
    /// operator (``Confirmation``).
    case confirm(Confirmation)
    /// `:`: a command line as typed so far (``ColonCommand``).
    case command(text: String)

    /// What a confirmed question does.
    public enum Confirmed: Hashable, Sendable {
        case decide(DecideOperation)
        case quit
    }

    /// `true` for the question whether to quit.
    public var asksToQuit: Bool {
        if case .confirm(let confirmation) = self, case .quit = confirmation.then { return true }
        return false
    }

    /// The text being typed, if the prompt takes text.
    var typed: String? {
        switch self {
        case .filter(let text, _), .hostFilter(let text, _), .deferral(let text, _, _), .command(let text): text
        case .confirm: nil
        }
    }

    /// The same prompt with other typed text.
    func with(text: String) -> Prompt {
        switch self {
        case .filter(_, let previous): .filter(text: text, previous: previous)
        case .hostFilter(_, let previous): .hostFilter(text: text, previous: previous)
        case .deferral(_, let ids, _): .deferral(text: text, ids: ids, proposed: false)
        case .command: .command(text: text)
        case .confirm: self
        }
    }

    /// `text` after an editing key (a character, Backspace, Delete, Ctrl-U clears); nil for any
    /// other key.
    static func edit(_ text: String, with key: Key) -> String? {
        var text = text
        switch key {
        case .backspace, .delete: if !text.isEmpty { text.removeLast() }
        case .control("u"): text = ""
        case .character(let character): text.append(character)
        default: return nil
        }
        return text
    }
}
