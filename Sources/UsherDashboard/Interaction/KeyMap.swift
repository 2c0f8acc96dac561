/// The dashboard's one registry of actions: which key runs which command, its name on the `:`
/// command line, and the words the function bar, the help overlay and the manual show (htop and
/// k9s habits: letters, F-keys that mirror them, and `:` commands), so that they never disagree.
public struct KeyMap: Sendable {
    /// An action: its keys, the command it runs, and how each place names it.
    public struct Binding: Sendable {
        public var keys: [Key]
        public var command: Command
        /// The key as people read it: `a`, `F2`, `Tab` (empty for a `:` command only).
        public var label: String
        /// `Accept`, shown in the function bar when `short` is set.
        public var short: String?
        /// One line of help.
        public var help: String
        /// Its word on the `:` command line (`accept`), if it has one.
        public var name: String? = nil
        /// What the `:` command takes after its name (`[TARGET] [DURATION]`).
        public var arguments = ""
        /// More for the manual, after the line of help.
        public var details = ""
    }

    public let bindings: [Binding]

    public func command(for key: Key) -> Command? {
        bindings.first { $0.keys.contains(key) }?.command
    }

    /// What a decision's `:` command takes as its requests.
    public static let target = "r4[,r5…] | all | tagged | peer NET | listener :PORT"

    public static let standard = KeyMap(bindings: [
        Binding(keys: [.character("a"), .function(2)], command: .accept, label: "a", short: "Accept",
                help: "accept the selected request (or the tagged ones): proxy it upstream", name: "accept", arguments: "[TARGET]",
                details: "Several requests, or one you cannot see, ask first (see Confirmations)."),
        Binding(keys: [.character("r"), .function(3)], command: .reject, label: "r", short: "Reject",
                help: "reject: send the reject message, then close", name: "reject", arguments: "[TARGET] [reset]"),
        Binding(keys: [.character("R"), .function(8)], command: .reset, label: "R", short: "Reset",
                help: "reject with a reset: the client sees \"connection reset\"", name: "reset", arguments: "[TARGET]"),
        Binding(keys: [.character("d"), .function(5)], command: .deferral, label: "d", short: "Defer",
                help: "defer: decide later (asks for a duration, 30s by default)", name: "defer", arguments: "[TARGET] [DURATION]",
                details: "What you type replaces the proposal (`500ms`, `5m`…); Enter defers, Esc cancels. A deferral longer than the time the request has left says so and moves its timeout back by the deferral, so the timeout never ends it unseen."),
        Binding(keys: [.character("m")], command: .decisionDialog, label: "m", short: "Remember",
                help: "decision dialog: decide the selected request and remember it for its peer, net, SNI, Host or listener",
                name: "remember"),
        Binding(keys: [.character(" "), .function(7)], command: .toggleTag, label: "Space", short: "Tag",
                help: "tag or untag the selected request, then move down", name: "tag"),
        Binding(keys: [.character("t")], command: .tagAll, label: "t", short: nil, help: "tag every request the filter shows", name: "tag-all"),
        Binding(keys: [.character("u")], command: .untagAll, label: "u", short: nil, help: "untag every request", name: "untag-all"),
        Binding(keys: [.character("A")], command: .acceptAll, label: "A", short: "All",
                help: "accept every tagged request, or every one the filter shows (asks first)"),
        Binding(keys: [.character("X")], command: .rejectAll, label: "X", short: nil,
                help: "reject every tagged request, or every one the filter shows (asks first)"),
        Binding(keys: [.character("/"), .function(4)], command: .filter, label: "/", short: "Filter",
                help: "filter by peer (10.0.0.0/8), listener (:8080) or text in caller data", name: "filter", arguments: "[TEXT]",
                details: "The table follows as you type; Enter keeps it, Esc restores the previous one. `:filter` with nothing clears it."),
        Binding(keys: [.character("\\")], command: .clearFilter, label: "\\", short: nil, help: "clear the filter"),
        Binding(keys: [.character("s"), .function(6)], command: .sort, label: "s", short: "Sort",
                help: "sort by age, time left, peer, listener or ID", name: "sort", arguments: "[age|left|peer|listener|id] [reverse]",
                details: "Age is oldest first, left is soonest timeout first."),
        Binding(keys: [.character("S")], command: .reverseSort, label: "S", short: nil, help: "reverse the sort order"),
        Binding(keys: [.enter, .function(9)], command: .detail, label: "Enter", short: "Detail",
                help: "show or hide the detail of the selected request: conditions, caller data in hex", name: "detail",
                details: "On a line of the event log (focus on it), the detail of that request as the journal holds it: who decided and why, every condition, what the client sent, what the connection carried."),
        Binding(keys: [.tab, .backTab], command: .switchPane, label: "Tab", short: "Pane",
                help: "move the focus between the pending table and the lower pane", name: "pane",
                details: "The focused pane's title is marked `▶` and bright; the arrows and PgUp/PgDn then move in it. In the event log they move a cursor that stays on its line as new ones come; past the oldest line, older requests are read from the daemon's journal (earlier runs too)."),
        Binding(keys: [.character("H")], command: .hostListeners, label: "H", short: nil,
                help: "host listeners: every LISTEN socket's kernel queue (s sorts, / filters, Enter: process)", name: "host"),
        Binding(keys: [.character(":")], command: .commandLine, label: ":", short: nil,
                help: "command line: :accept peer 10.0.0.0/8, :defer all 5m, :sort peer (Tab completes, Up/Down recall)",
                details: "See The command line below."),
        Binding(keys: [], command: .theme, label: "", short: nil,
                help: "change the colours: default, light, mono, high-contrast or a theme file", name: "theme", arguments: "NAME|PATH"),
        Binding(keys: [.character("?"), .character("h"), .function(1)], command: .help, label: "?", short: "Help",
                help: "show this help", name: "help",
                details: "The arrows and PgUp/PgDn scroll it where the screen is short; any other key closes it."),
        Binding(keys: [.character("q"), .function(10)], command: .quit, label: "q", short: "Quit", help: "quit", name: "quit",
                details: "`usher run` asks first when requests are pending: they get the timeout action as the gate stops."),
        Binding(keys: [.up, .character("k"), .scrollUp], command: .up, label: "Up/k", short: nil, help: "select the row above"),
        Binding(keys: [.down, .character("j"), .scrollDown], command: .down, label: "Down/j", short: nil, help: "select the row below"),
        Binding(keys: [.pageUp], command: .pageUp, label: "PgUp", short: nil, help: "one page up"),
        Binding(keys: [.pageDown], command: .pageDown, label: "PgDn", short: nil, help: "one page down"),
        Binding(keys: [.home, .character("g")], command: .top, label: "Home/g", short: nil, help: "first row"),
        Binding(keys: [.end, .character("G")], command: .bottom, label: "End/G", short: nil, help: "last row"),
        Binding(keys: [.control("l")], command: .redraw, label: "Ctrl-L", short: nil, help: "redraw the screen", name: "redraw"),
        Binding(keys: [.control("c"), .control("\\")], command: .interrupt, label: "Ctrl-C", short: nil,
                help: "quit as q does (it asks the same question; Ctrl-C again within 2s confirms); Ctrl-\\ does the same"),
        Binding(keys: [.control("z")], command: .suspend, label: "Ctrl-Z", short: nil,
                help: "suspend usher top (usher run refuses: its clients would wait for a stopped gate)", name: "suspend"),
    ])

    /// The action named `name` on the `:` command line.
    public func binding(named name: String) -> Binding? {
        bindings.first { $0.name == name }
    }

    /// The F-key of a command, for the help.
    public func functionKey(of command: Command) -> Int? {
        for binding in bindings where binding.command == command {
            for case .function(let number) in binding.keys { return number }
        }
        return nil
    }
}
