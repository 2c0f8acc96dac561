/// What a key asks the dashboard to do.
public enum Command: Hashable, Sendable, CaseIterable {
    case accept, reject, reset, deferral, decisionDialog
    case toggleTag, tagAll, untagAll
    case acceptAll, rejectAll
    case filter, clearFilter, sort, reverseSort
    case switchPane, detail, hostListeners, help, quit
    /// `:`: the command line.
    case commandLine
    /// `:theme NAME`: other colours (no key).
    case theme
    /// Ctrl-C (and Ctrl-\\): quit, asking as `q` does; a second one within 2 s confirms.
    case interrupt
    /// Ctrl-Z: suspend, where nothing waits on this process.
    case suspend
    case up, down, pageUp, pageDown, top, bottom
    case redraw
}

extension Command {
    /// The commands that decide requests: they wait while the line under the cursor has just
    /// changed, and never act on a request the operator cannot see without asking.
    public var decides: Bool {
        switch self {
        case .accept, .reject, .reset, .deferral, .decisionDialog, .acceptAll, .rejectAll: true
        default: false
        }
    }

    /// The commands that tag rows, for decisions on many: of no use where nothing is decided.
    public var tags: Bool {
        switch self {
        case .toggleTag, .tagAll, .untagAll: true
        default: false
        }
    }
}
