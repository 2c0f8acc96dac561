/// Where each pane goes at a terminal size. The screen, top to bottom: the title on the top
/// border, one meter row per listener, the counters, the pending table, the lower pane (event
/// log or detail; side by side on wide screens), the bottom border with the status, and the
/// function bar.
struct Layout: Hashable {
    static let minimumWidth = 60
    static let minimumHeight = 15

    let width: Int
    let height: Int
    /// Meter rows, one per listener shown.
    let meters: Rect
    let counters: Rect
    let pendingTitleRow: Int
    let pendingHeader: Rect
    let pendingBody: Rect
    let lowerTitleRow: Int
    /// The lower pane: the event log, or the detail.
    let lowerBody: Rect
    /// On wide screens with the detail open: the event log beside it.
    let sideEvents: Rect?
    let bottomRow: Int
    let functionBar: Rect

    var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    /// `showsHost`: the lower pane holds the host listeners, and gets half the height as the
    /// detail does.
    init(width: Int, height: Int, listenerCount: Int, showsDetail: Bool, showsHost: Bool = false) {
        self.width = width
        self.height = height
        let inner = Rect(x: 1, y: 1, width: width - 2, height: max(0, height - 3))
        let meterRows = max(1, min(listenerCount, max(1, (height - 14) / 3 + 1)))
        let (meterArea, belowMeters) = inner.splitRows(at: meterRows)
        meters = meterArea
        let (countersArea, middle) = belowMeters.splitRows(at: 1)
        counters = countersArea
        let lowerShare = showsDetail || showsHost ? middle.height / 2 : max(4, middle.height * 35 / 100)
        let (pendingArea, lowerArea) = middle.splitRows(at: middle.height - lowerShare)
        pendingTitleRow = pendingArea.y
        pendingHeader = pendingArea.row(1)
        pendingBody = Rect(x: pendingArea.x, y: pendingArea.y + 2, width: pendingArea.width, height: pendingArea.height - 2)
        lowerTitleRow = lowerArea.y
        let lowerInside = Rect(x: lowerArea.x, y: lowerArea.y + 1, width: lowerArea.width, height: lowerArea.height - 1)
        if showsDetail && width >= 160 {
            let (events, detail) = lowerInside.splitColumns(at: lowerInside.width * 2 / 5)
            sideEvents = Rect(x: events.x, y: events.y, width: events.width - 1, height: events.height)
            lowerBody = detail
        } else {
            sideEvents = nil
            lowerBody = lowerInside
        }
        bottomRow = height - 2
        functionBar = Rect(x: 0, y: height - 1, width: width, height: 1)
    }
}
