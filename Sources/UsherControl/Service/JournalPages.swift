import UsherWire

/// The daemon's journal, as the control protocol's `journal` operation reads it.
public protocol JournalPages: Sendable {
    /// The rows `request` selects, newest last; a `request` ID names a request of the running
    /// daemon. May read the disk: call it off the event loops.
    func page(_ request: JournalPageRequest) -> Result<WireJournalPage, ControlError>
}
