import UsherWire

/// What the dashboard asks its host to do after a key or a message.
public enum DashboardAction: Hashable, Sendable {
    /// Send a decision to the daemon; the answer comes back through
    /// ``Dashboard/receive(results:)`` or ``Dashboard/receive(failure:)``.
    case decide(DecideOperation)
    /// Ring the terminal bell (or flash the screen).
    case bell
    /// Flash the screen: a key was refused for the operator's safety.
    case flash
    /// Redraw every cell, not only those that changed.
    case redrawAll
    /// Leave the dashboard.
    case quit
    /// Draw with other colours from now on (`:theme`).
    case theme(Theme)
    /// Give the terminal back and stop the process until it is continued (Ctrl-Z).
    case suspend
    /// Read a page of the daemon's journal; the answer comes back through
    /// ``DashboardInput/journal(_:for:)`` or ``DashboardInput/journalFailed(_:for:)``.
    case readJournal(JournalPageRequest)
}

/// What the dashboard's host sends the daemon on its command connection.
public enum DaemonRequest: Hashable, Sendable {
    case decide(DecideOperation)
    case readJournal(JournalPageRequest)
}

/// A message on the bottom border for a few seconds: the result of the last decision.
public struct StatusMessage: Hashable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// The panes that take the keyboard focus.
public enum Pane: Hashable, Sendable {
    case pending
    /// The lower pane: the event log, or the detail when it is shown.
    case lower
}
