/// What a key asks the dashboard to do.
public enum Command: Hashable, Sendable, CaseIterable {
    case accept, reject, reset, deferral, decisionDialog
    case toggleTag, tagAll, untagAll
    case acceptAll, rejectAll
    case filter, clearFilter, sort, reverseSort
    case switchPane, detail, hostListeners, help, quit
    case up, down, pageUp, pageDown, top, bottom
    case redraw
}
