/// The semantic colour slots of the dashboard: panes draw with slots, a ``Theme`` maps each slot
/// to colours and attributes (as htop's colour table does).
public enum Slot: String, CaseIterable, Hashable, Sendable {
    case normal
    case title
    case border
    case paneTitle = "pane-title"
    case label
    case value
    case gaugeOK = "gauge-ok"
    case gaugeWarn = "gauge-warn"
    case gaugeFull = "gauge-full"
    case gaugeEmpty = "gauge-empty"
    case sparkline
    case columnHeader = "column-header"
    case row
    case rowSelected = "row-selected"
    /// The LEFT cell of the selected row when its pending timeout is near (under 15 s).
    case rowSelectedWarn = "row-selected-warn"
    /// The LEFT cell of the selected row in its last 5 s.
    case rowSelectedUrgent = "row-selected-urgent"
    case rowTagged = "row-tagged"
    case pending
    case deferred
    case accepted
    case rejected
    case withdrawn
    case expired
    case overflowed
    case muted
    case key
    case keyHint = "key-hint"
    case statusOK = "status-ok"
    case statusError = "status-error"
    case prompt
    case invariantOK = "invariant-ok"
    case invariantBroken = "invariant-broken"
    case hexOffset = "hex-offset"
    case hexBytes = "hex-bytes"
    case hexText = "hex-text"

    /// The slot to use when a theme leaves this one out.
    public var fallback: Slot? {
        switch self {
        case .normal: nil
        case .rowTagged, .rowSelected: .row
        case .rowSelectedWarn, .rowSelectedUrgent: .rowSelected
        case .gaugeWarn, .gaugeFull: .gaugeOK
        case .hexOffset, .hexText: .muted
        case .hexBytes: .value
        case .statusOK, .invariantOK: .accepted
        case .statusError, .invariantBroken: .rejected
        case .paneTitle: .title
        default: .normal
        }
    }
}
