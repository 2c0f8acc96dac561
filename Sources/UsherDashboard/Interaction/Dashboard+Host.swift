import UsherWire

extension Dashboard {
    /// The host's listeners in the pane's order.
    public func hostRows() -> [WireHostListener] {
        guard let host = daemon.host else { return [] }
        return host.listeners.values
            .filter { Self.matches($0, hostFilter) }
            .sorted { hostDescending ? hostSort.precedes($1, $0) : hostSort.precedes($0, $1) }
    }

    /// `true` when `listener` passes the host filter: `:5432` matches the port; any other text,
    /// without regard to case, the address, a process's command or command line, or its pid.
    static func matches(_ listener: WireHostListener, _ filter: String) -> Bool {
        guard !filter.isEmpty else { return true }
        if filter.hasPrefix(":"), let port = Int(filter.dropFirst()) { return listener.port == port }
        let needle = filter.lowercased()
        return listener.address.lowercased().contains(needle) || listener.processes.contains { process in
            "\(process.pid)" == filter || process.command.lowercased().contains(needle)
                || process.commandLine.lowercased().contains(needle)
        }
    }

    mutating func applyHostFilter(_ text: String) {
        hostFilter = text
        hostScroll = 0
        moveHostSelection(by: 0)
    }

    /// The selected host listener, or the first row when none is selected yet.
    public var selectedHostListener: WireHostListener? {
        hostSelectedID.flatMap { daemon.host?.listeners[$0] } ?? hostRows().first
    }

    /// `true` when keys for rows go to the host listeners pane.
    var hostPaneHasFocus: Bool {
        showsHost && focus == .lower && !showsDetail
    }

    /// `H`: shows the host's listeners in the lower pane (with the focus), or the event log again.
    mutating func toggleHostPane() {
        showsHost.toggle()
        showsHostProcess = false
        if showsHost { showsDetail = false }
        focus = showsHost ? .lower : .pending
    }

    mutating func moveHostSelection(by offset: Int) {
        let rows = hostRows()
        guard !rows.isEmpty else { return }
        let current = rows.firstIndex { $0.id == selectedHostListener?.id } ?? 0
        let index = min(rows.count - 1, max(0, current + offset))
        hostSelectedID = rows[index].id
        let height = max(1, layout.lowerBody.height - 1)
        if index < hostScroll { hostScroll = index }
        if index >= hostScroll + height { hostScroll = index - height + 1 }
    }

    /// Selects the host row drawn on `line` of the pane's body.
    mutating func selectHostRow(bodyLine line: Int) {
        let rows = hostRows()
        let index = hostScroll + line - 1
        guard !showsHostProcess, rows.indices.contains(index) else { return }
        hostSelectedID = rows[index].id
    }

    /// A row command for the host pane: moves, sorts, or opens the process view.
    mutating func performOnHostPane(_ command: Command) {
        let page = max(1, layout.lowerBody.height - 1)
        switch command {
        case .up: moveHostSelection(by: -1)
        case .down: moveHostSelection(by: 1)
        case .pageUp: moveHostSelection(by: -page)
        case .pageDown: moveHostSelection(by: page)
        case .top: moveHostSelection(by: -Int(Int32.max))
        case .bottom: moveHostSelection(by: Int(Int32.max))
        case .sort: hostSort = hostSort.next
        case .reverseSort: hostDescending.toggle()
        case .detail: showsHostProcess.toggle()
        case .filter: prompt = .hostFilter(text: hostFilter, previous: hostFilter)
        case .clearFilter: applyHostFilter("")
        default: break
        }
        if command == .sort || command == .reverseSort { moveHostSelection(by: 0) }
    }
}
