import Foundation
import UsherWire

/// The dashboard as a value: what the daemon said (``DaemonView``) and what the operator is
/// doing (selection, tags, filter, sort, focus, prompt). Keys and control messages go in;
/// ``DashboardAction``s come out for the host to perform; ``render(now:)`` draws it.
/// No terminal, no socket, no clock: time is passed in.
public struct Dashboard: Sendable {
    public internal(set) var daemon = DaemonView()
    public let options: DashboardOptions
    public let keyMap: KeyMap

    public private(set) var width: Int
    public private(set) var height: Int
    /// The ID of the selected request.
    public internal(set) var selectedID: String?
    /// Where the selection is in the table's lines.
    var selectedIndex = 0
    /// The place of the selected request after it left, until the operator moves.
    public internal(set) var departed: DepartedSelection?
    /// Why the selected request left, from the messages not settled yet.
    var departureOfSelected: String?
    /// Decision keys do nothing before then: the line under the cursor just changed by
    /// something other than the operator's own move (``decisionPause``).
    public internal(set) var decisionsPausedUntil = Date.distantPast
    /// When the last message from the daemon was applied.
    var lastMessageAt = Date.distantPast
    /// Requests that arrived above the first shown row and have not been shown yet.
    public internal(set) var unseenAbove: Set<String> = []
    /// The first shown request when messages started to change the rows: it stays first, so
    /// that rows arriving above the view do not move what the operator reads.
    var scrollAnchor: String?
    /// Requests that arrived in the messages not settled yet.
    var pendingArrivals: [String] = []
    /// The first visible row of the pending table.
    public internal(set) var scroll = 0
    /// Lines scrolled in the detail (0 shows its first line).
    public internal(set) var lowerScroll = 0
    /// The serial of the event log line under the cursor; `nil` while it follows the newest.
    public internal(set) var logCursor: Int?
    /// The serial of the bottom line the event log shows; `nil` while it shows the newest.
    public internal(set) var logBottom: Int?
    /// The finished request the detail shows, opened from the event log.
    public internal(set) var finished: FinishedRequest?
    public internal(set) var tagged: Set<String> = []
    public internal(set) var filter = RowFilter("")
    public internal(set) var sort = SortOrder.age
    public internal(set) var descending = false
    public internal(set) var focus = Pane.pending
    public internal(set) var showsDetail = false
    public internal(set) var showsHelp = false
    /// The first line of the help shown, when it is taller than the screen.
    public internal(set) var helpScroll = 0
    /// The lower pane shows the host's listeners instead of the event log (`H`).
    public internal(set) var showsHost = false
    /// The host listeners pane shows the selected listener's processes (Enter).
    public internal(set) var showsHostProcess = false
    public internal(set) var hostSort = HostSortOrder.depth
    public internal(set) var hostDescending = false
    /// The host listeners pane's filter: `:5432`, or text in the address or a process.
    public internal(set) var hostFilter = ""
    /// The selected host listener's socket ID.
    public internal(set) var hostSelectedID: UInt64?
    /// The first visible row of the host listeners pane.
    public internal(set) var hostScroll = 0
    public internal(set) var prompt: Prompt?
    /// The lines run on the `:` command line, oldest first (at most ``commandHistoryLimit``).
    public internal(set) var commandHistory: [String] = []
    /// The line of ``commandHistory`` recalled last with Up/Down.
    var historyPosition: Int?
    /// The decision dialog (`m`), while it is open.
    public internal(set) var dialog: DecisionDialog?
    public internal(set) var status: StatusMessage?
    var statusUntil = Date.distantPast
    private let visibleRowsCache = VisibleRowsCache()
    var lastBell = Date.distantPast
    /// When Ctrl-C was last pressed: a second one within ``interruptWindow`` quits.
    var lastInterrupt = Date.distantPast
    static let interruptWindow: TimeInterval = 2
    /// Decisions sent and not answered yet.
    public internal(set) var decisionsInFlight = 0
    /// True when something changed since the last render.
    public internal(set) var needsRedraw = true
    /// Rows came or went since the selection was last placed (see ``settle()``).
    var selectionIsStale = false

    public init(width: Int = 80, height: Int = 24, options: DashboardOptions = DashboardOptions(), keyMap: KeyMap = .standard) {
        self.width = width
        self.height = height
        self.options = options
        self.keyMap = keyMap
        if options.showsHost { toggleHostPane() }
    }

    // MARK: Inputs

    /// Applies a message from the daemon's subscription.
    public mutating func receive(_ message: ControlMessage, now: Date) -> [DashboardAction] {
        if !selectionIsStale { scrollAnchor = scroll > 0 ? lineID(at: scroll) : nil }
        let change = daemon.apply(message, now: now)
        needsRedraw = true
        lastMessageAt = now
        for id in change.removed {
            tagged.remove(id)
            unseenAbove.remove(id)
        }
        if let id = selectedID {
            if let why = change.departures[id] { departureOfSelected = why }
            if change.updated.contains(id) { pauseDecisions(at: now) }
        }
        pendingArrivals += change.arrived
        if change.arrivals > 0 || !change.removed.isEmpty || message.replacesRows { selectionIsStale = true }
        guard change.arrivals > 0, options.bell, now.timeIntervalSince(lastBell) >= 1 else { return [] }
        lastBell = now
        return [.bell]
    }

    /// Records who the daemon says we are.
    public mutating func receive(hello: WireHello) {
        daemon.meet(hello)
        if daemon.history.entries.isEmpty {
            logCursor = nil
            logBottom = nil
            finished = nil
        }
        needsRedraw = true
    }

    /// The daemon's answer to a decision.
    public mutating func receive(results: [WireDecision], now: Date) {
        decisionsInFlight = max(0, decisionsInFlight - 1)
        let decided = results.filter(\.ok)
        let failed = results.filter { !$0.ok }
        for result in decided { tagged.remove(result.request) }
        if let failure = failed.first {
            let more = failed.count > 1 ? " (and \(failed.count - 1) more)" : ""
            show(StatusMessage((failure.error ?? "\(failure.request): not decided") + more, isError: true), now: now)
        } else if decided.count == 1, let only = decided.first, let reason = only.notRemembered {
            show(StatusMessage("\(only.request) \(only.state ?? "decided"), not remembered: \(reason)", isError: true), now: now)
        } else if decided.count == 1, let only = decided.first {
            let remembered = only.remembered.map { "; remembered as \($0) (usher rules ls)" } ?? ""
            show(StatusMessage("\(only.request) \(only.state ?? "decided")\(remembered)"), now: now)
        } else if !decided.isEmpty {
            show(StatusMessage("\(decided.count) requests \(decided.first?.state ?? "decided")"), now: now)
        } else {
            show(StatusMessage("nothing to decide: those requests are no longer pending", isError: true), now: now)
        }
    }

    /// A decision that could not be sent or was refused as a whole.
    public mutating func receive(failure: String, now: Date) {
        decisionsInFlight = max(0, decisionsInFlight - 1)
        show(StatusMessage(failure, isError: true), now: now)
    }

    /// The connection to the daemon ended.
    public mutating func disconnected(because reason: String, now: Date) {
        daemon.disconnect(because: reason, at: now)
        needsRedraw = true
    }

    /// The terminal changed size.
    public mutating func resize(width: Int, height: Int) {
        guard width != self.width || height != self.height else { return }
        self.width = width
        self.height = height
        if layout.isTooSmall {
            // Questions about requests the operator can no longer see are withdrawn.
            if let prompt, !prompt.asksToQuit { self.prompt = nil }
            dialog = nil
            showsHelp = false
        }
        keepSelectionVisible()
        needsRedraw = true
    }

    /// A refresh: samples rates and graphs, expires the status message. Call it every
    /// ``DashboardOptions/interval``.
    public mutating func tick(now: Date) {
        daemon.tick(now: now)
        if status != nil, now >= statusUntil { status = nil }
        needsRedraw = true
    }

    /// Puts the selection back on a shown row after messages changed the rows. Messages only
    /// mark the selection stale, so that a burst of them costs one pass over the rows; call this
    /// after applying a batch, before rendering (``press(_:now:)`` calls it too).
    public mutating func settle() {
        guard selectionIsStale else { return }
        selectionIsStale = false
        followSelection()
    }

    /// Marks the current state as drawn.
    public mutating func didRender() {
        needsRedraw = false
    }

    // MARK: Rows

    /// The pending requests the table shows: filtered, then sorted. The result is kept until
    /// the rows, the filter or the order change, so frames in between cost no filtering or
    /// sorting.
    public func visibleRows() -> [PendingRow] {
        let key = VisibleRowsCache.Key(rowsVersion: daemon.rowsVersion, filter: filter, sort: sort, descending: descending)
        if let rows = visibleRowsCache.rows(for: key) { return rows }
        let rows = filteredAndSortedRows()
        visibleRowsCache.store(rows, for: key)
        return rows
    }

    private func filteredAndSortedRows() -> [PendingRow] {
        let listeners = Dictionary(daemon.listeners.map { ($0.id, $0.address) }, uniquingKeysWith: { a, _ in a })
        var rows = daemon.rows.values.filter { filter.matches($0, listenerAddress: listeners[$0.request.listener]) }
        if sort != .age || descending {
            rows.sort { descending ? sort.ascending($1, $0) : sort.ascending($0, $1) }
        }
        return rows
    }

    /// The selected request, if it is still pending.
    public var selectedRow: PendingRow? {
        selectedID.flatMap { daemon.rows[$0] }
    }

    /// True when the daemon said this client may only watch.
    public var isObserver: Bool { daemon.hello?.role == .observer }

    /// True when no key may decide: `--read-only`, or an observer. Decision keys are then
    /// neither shown nor acted on.
    public var isReadOnly: Bool { options.readOnly || isObserver }

    /// The keys the function bar and the help show: without the decision and tag keys when
    /// the dashboard is read-only (pressed anyway, they say why they do nothing).
    public var shownKeys: KeyMap {
        isReadOnly ? KeyMap(bindings: keyMap.bindings.filter { !$0.command.decides && !$0.command.tags }) : keyMap
    }

    mutating func show(_ message: StatusMessage, now: Date, for seconds: Double = 5) {
        status = message
        statusUntil = now.addingTimeInterval(seconds)
        needsRedraw = true
    }

    /// The layout of the current size.
    var layout: Layout {
        Layout(
            width: width, height: height, listenerCount: daemon.listeners.count, showsDetail: showsDetail,
            showsHost: showsHost)
    }
}

extension ControlMessage {
    /// True for messages that replace every row (a snapshot or a resync).
    var replacesRows: Bool {
        switch self {
        case .snapshot, .resync: true
        default: false
        }
    }
}
