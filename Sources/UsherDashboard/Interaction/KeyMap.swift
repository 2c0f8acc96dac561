/// Which key runs which command, with the words the function bar and the help show (htop and
/// k9s habits: letters, and F-keys that mirror them).
public struct KeyMap: Sendable {
    /// A key and the command it runs.
    public struct Binding: Sendable {
        public var keys: [Key]
        public var command: Command
        /// The key as people read it: `a`, `F2`, `Tab`.
        public var label: String
        /// `Accept`, shown in the function bar when `short` is set.
        public var short: String?
        /// One line of help.
        public var help: String
    }

    public let bindings: [Binding]

    public func command(for key: Key) -> Command? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    public static let standard = KeyMap(bindings: [
        Binding(keys: [.character("a"), .function(2)], command: .accept, label: "a", short: "Accept", help: "accept the selected request (or the tagged ones): proxy it upstream"),
        Binding(keys: [.character("r"), .function(3)], command: .reject, label: "r", short: "Reject", help: "reject: send the reject message, then close"),
        Binding(keys: [.character("R"), .function(8)], command: .reset, label: "R", short: "Reset", help: "reject with a reset: the client sees \"connection reset\""),
        Binding(keys: [.character("d"), .function(5)], command: .deferral, label: "d", short: "Defer", help: "defer: decide later (asks for a duration, 30s by default)"),
        Binding(keys: [.character("m")], command: .decisionDialog, label: "m", short: "Remember", help: "decision dialog: decide the selected request and remember it for its peer, net, SNI, Host or listener"),
        Binding(keys: [.character(" "), .function(7)], command: .toggleTag, label: "Space", short: "Tag", help: "tag or untag the selected request, then move down"),
        Binding(keys: [.character("t")], command: .tagAll, label: "t", short: nil, help: "tag every request the filter shows"),
        Binding(keys: [.character("u")], command: .untagAll, label: "u", short: nil, help: "untag every request"),
        Binding(keys: [.character("A")], command: .acceptAll, label: "A", short: "All", help: "accept every tagged request, or every one the filter shows (asks first)"),
        Binding(keys: [.character("X")], command: .rejectAll, label: "X", short: nil, help: "reject every tagged request, or every one the filter shows (asks first)"),
        Binding(keys: [.character("/"), .function(4)], command: .filter, label: "/", short: "Filter", help: "filter by peer (10.0.0.0/8), listener (:8080) or text in caller data"),
        Binding(keys: [.character("\\")], command: .clearFilter, label: "\\", short: nil, help: "clear the filter"),
        Binding(keys: [.character("s"), .function(6)], command: .sort, label: "s", short: "Sort", help: "sort by age, time left, peer, listener or ID"),
        Binding(keys: [.character("S")], command: .reverseSort, label: "S", short: nil, help: "reverse the sort order"),
        Binding(keys: [.enter, .function(9)], command: .detail, label: "Enter", short: "Detail", help: "show or hide the detail of the selected request: conditions, caller data in hex"),
        Binding(keys: [.tab, .backTab], command: .switchPane, label: "Tab", short: "Pane", help: "move the focus between the pending table and the lower pane"),
        Binding(keys: [.character("H")], command: .hostListeners, label: "H", short: nil, help: "host listeners: every LISTEN socket's kernel queue (s sorts, / filters, Enter: process)"),
        Binding(keys: [.character("?"), .character("h"), .function(1)], command: .help, label: "?", short: "Help", help: "show this help"),
        Binding(keys: [.character("q"), .function(10)], command: .quit, label: "q", short: "Quit", help: "quit"),
        Binding(keys: [.up, .character("k"), .scrollUp], command: .up, label: "Up/k", short: nil, help: "select the row above"),
        Binding(keys: [.down, .character("j"), .scrollDown], command: .down, label: "Down/j", short: nil, help: "select the row below"),
        Binding(keys: [.pageUp], command: .pageUp, label: "PgUp", short: nil, help: "one page up"),
        Binding(keys: [.pageDown], command: .pageDown, label: "PgDn", short: nil, help: "one page down"),
        Binding(keys: [.home, .character("g")], command: .top, label: "Home/g", short: nil, help: "first row"),
        Binding(keys: [.end, .character("G")], command: .bottom, label: "End/G", short: nil, help: "last row"),
        Binding(keys: [.control("l")], command: .redraw, label: "Ctrl-L", short: nil, help: "redraw the screen"),
        Binding(keys: [.control("c"), .control("\\")], command: .interrupt, label: "Ctrl-C", short: nil, help: "quit as q does (it asks the same question; Ctrl-C again within 2s confirms)"),
        Binding(keys: [.control("z")], command: .suspend, label: "Ctrl-Z", short: nil, help: "suspend usher top (usher run refuses: its clients would wait for a stopped gate)"),
    ])

    /// The F-key of a command, for the help.
    public func functionKey(of command: Command) -> Int? {
        for binding in bindings where binding.command == command {
            for case .function(let number) in binding.keys { return number }
        }
        return nil
    }
}
