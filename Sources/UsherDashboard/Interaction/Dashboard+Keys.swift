import Foundation
import UsherWire
import UsherCore

extension Dashboard {
    /// Handles one key press or click.
    public mutating func press(_ key: Key, now: Date) -> [DashboardAction] {
        needsRedraw = true
        settle()
        if layout.isTooSmall { return pressBehindTooSmall(key, now: now) }
        if showsHelp {
            scrollHelp(with: key)
            return []
        }
        if let dialog { return answer(dialog, with: key, now: now) }
        if let prompt { return answer(prompt, with: key, now: now) }
        if case .click(let x, let y) = key { return click(x: x, y: y) }
        guard let command = keyMap.command(for: key) else { return [] }
        return perform(command, now: now)
    }

    /// The movement keys scroll the help; any other key closes it.
    private mutating func scrollHelp(with key: Key) {
        let page = max(1, height - 6)
        let lines = HelpOverlay(keyMap: shownKeys, drawing: options.lineDrawing).lines().count
        switch keyMap.command(for: key) {
        case .up: helpScroll -= 1
        case .down: helpScroll += 1
        case .pageUp: helpScroll -= page
        case .pageDown: helpScroll += page
        case .top: helpScroll = 0
        case .bottom: helpScroll = lines
        default:
            showsHelp = false
            helpScroll = 0
        }
        helpScroll = max(0, min(helpScroll, max(0, lines - page)))
    }

    /// Behind the "terminal too small" screen nothing can be seen, so nothing is decided: only
    /// quitting (and its question, which that screen shows) and a redraw work.
    private mutating func pressBehindTooSmall(_ key: Key, now: Date) -> [DashboardAction] {
        if let prompt, prompt.asksToQuit { return answer(prompt, with: key, now: now) }
        switch keyMap.command(for: key) {
        case .quit: return quit()
        case .interrupt: return interrupt(now: now)
        case .suspend: return suspend(now: now)
        case .redraw: return [.redrawAll]
        default: return []
        }
    }

    /// Runs a command as its key would.
    public mutating func perform(_ command: Command, now: Date) -> [DashboardAction] {
        needsRedraw = true
        if hostPaneHasFocus, Self.hostPaneCommands.contains(command) {
            performOnHostPane(command)
            return []
        }
        if command.decides, hostPaneHasFocus {
            show(StatusMessage("the host listeners pane has the focus: Tab switches to the pending pane to decide", isError: true), now: now)
            return [.flash]
        }
        if command.decides, now < decisionsPausedUntil {
            show(StatusMessage("the line under the cursor just changed: look again, then press", isError: true), now: now, for: 2)
            return [.flash]
        }
        switch command {
        case .accept: return decide(.accept, now: now)
        case .reject: return decide(.reject(mode: .close, message: nil), now: now)
        case .reset: return decide(.reject(mode: .reset, message: nil), now: now)
        case .deferral:
            guard let ids = targets(now: now) else { return [] }
            prompt = .deferral(text: options.defaultDeferral, ids: ids, proposed: true)
        case .decisionDialog: openDialog(now: now)
        case .acceptAll: return decideAll(.accept, now: now)
        case .rejectAll: return decideAll(.reject(mode: .close, message: nil), now: now)
        case .toggleTag:
            if let id = selectedID {
                if tagged.remove(id) == nil { tagged.insert(id) }
                moveSelection(by: 1)
            }
        case .tagAll: tagged.formUnion(visibleRows().map(\.id))
        case .untagAll: tagged.removeAll()
        case .filter: prompt = .filter(text: filter.text, previous: filter.text)
        case .clearFilter:
            filter = RowFilter("")
            reselect()
        case .sort:
            sort = sort.next
            reselect()
        case .reverseSort:
            descending.toggle()
            reselect()
        case .switchPane: focus = focus == .pending ? .lower : .pending
        case .detail:
            if logHasFocus, daemon.logCount > 0, daemon.logLine(at: logCursorIndex).requestID != nil { return openFinished(now: now) }
            showsDetail.toggle()
            finished = nil
            lowerScroll = 0
            keepSelectionVisible()
        case .hostListeners: toggleHostPane()
        case .help: showsHelp = true
        case .commandLine: prompt = .command(text: "")
        case .theme: show(StatusMessage("themes: \(BuiltInThemes.names.joined(separator: ", ")), or a path: :theme light"), now: now)
        case .quit: return quit()
        case .interrupt: return interrupt(now: now)
        case .suspend: return suspend(now: now)
        case .up: return move(-1, .line)
        case .down: return move(1, .line)
        case .pageUp: return move(-1, .page)
        case .pageDown: return move(1, .page)
        case .top: return move(-1, .end)
        case .bottom: return move(1, .end)
        case .redraw: return [.redrawAll]
        }
        return []
    }

    /// How far a movement key goes.
    private enum Step {
        case line, page, end
    }

    /// Up (-1) or down (1) by a line, a page or to the end, in the pane with the focus: the
    /// pending table's selection, the event log's cursor, or the detail's scroll.
    private mutating func move(_ direction: Int, _ step: Step) -> [DashboardAction] {
        let lowerPage = max(1, layout.lowerBody.height)
        switch (focus == .pending, logHasFocus) {
        case (true, _):
            moveSelection(by: direction * (step == .line ? 1 : step == .page ? pageSize : Int(Int32.max)))
        case (false, true):
            return moveLogCursor(by: direction * (step == .line ? 1 : step == .page ? lowerPage : Int(Int32.max)))
        case (false, false):
            scrollLower(by: direction * (step == .line ? 1 : step == .page ? lowerPage : Int(Int32.max)))
        }
        return []
    }

    /// The commands the host listeners pane takes when it has the focus.
    private static let hostPaneCommands: Set<Command> = [
        .up, .down, .pageUp, .pageDown, .top, .bottom, .sort, .reverseSort, .detail, .filter, .clearFilter,
    ]

    /// Ctrl-C: the question `q` asks; a second Ctrl-C within ``interruptWindow`` answers yes.
    private mutating func interrupt(now: Date) -> [DashboardAction] {
        if let prompt, prompt.asksToQuit, now.timeIntervalSince(lastInterrupt) <= Self.interruptWindow { return [.quit] }
        lastInterrupt = now
        return quit()
    }

    private mutating func suspend(now: Date) -> [DashboardAction] {
        guard let refusal = options.suspendRefusal else { return [.suspend] }
        show(StatusMessage(refusal, isError: true), now: now)
        return [.flash]
    }

    mutating func quit() -> [DashboardAction] {
        let count = daemon.rows.count
        guard let warning = options.quitWarning, count > 0, daemon.disconnection == nil else { return [.quit] }
        let requests = count == 1 ? "1 pending request" : "\(count) pending requests"
        prompt = .confirm(Confirmation(question: "Quit? \(requests) \(warning)", then: .quit))
        return []
    }

    private mutating func click(x: Int, y: Int) -> [DashboardAction] {
        let layout = layout
        if layout.pendingBody.contains(x: x, y: y) {
            select(bodyLine: y - layout.pendingBody.y)
        } else if layout.lowerBody.contains(x: x, y: y) {
            focus = .lower
            if hostPaneHasFocus { selectHostRow(bodyLine: y - layout.lowerBody.y) }
        }
        return []
    }

    // MARK: Prompts

    private mutating func answer(_ prompt: Prompt, with key: Key, now: Date) -> [DashboardAction] {
        if case .confirm(let confirmation) = prompt {
            if confirmation.then == .quit, keyMap.command(for: key) == .interrupt { return interrupt(now: now) }
            return answer(confirmation, with: key, now: now)
        }
        if case .command(let text) = prompt { return answerCommandLine(text, with: key, now: now) }
        guard var text = prompt.typed else { return [] }
        if case .deferral(_, _, proposed: true) = prompt, key != .enter, key != .escape {
            text = ""  // typing replaces the proposal
        }
        switch key {
        case .escape:
            if case .filter(_, let previous) = prompt { applyFilter(previous, selectingFirst: false) }
            if case .hostFilter(_, let previous) = prompt { applyHostFilter(previous) }
            self.prompt = nil
            return []
        case .enter:
            self.prompt = nil
            return commit(prompt, now: now)
        default:
            guard let edited = Prompt.edit(text, with: key) else { return [] }
            text = edited
        }
        self.prompt = prompt.with(text: text)
        if case .filter = prompt { applyFilter(text) }
        if case .hostFilter = prompt { applyHostFilter(text) }
        return []
    }

    /// No unless the operator says yes: `y`, or the count typed out and Enter.
    private mutating func answer(_ open: Confirmation, with key: Key, now: Date) -> [DashboardAction] {
        var confirmation = open
        if let count = confirmation.countToType {
            switch key {
            case .character(let digit) where digit.isASCII && digit.isNumber && confirmation.typed.count < 9:
                confirmation.typed.append(digit)
                prompt = .confirm(confirmation)
                return []
            case .backspace, .delete:
                if !confirmation.typed.isEmpty { confirmation.typed.removeLast() }
                prompt = .confirm(confirmation)
                return []
            case .enter where confirmation.typed == String(count):
                break
            default:
                return cancelConfirmation(now: now)
            }
        } else if key != .character("y") && key != .character("Y") {
            return cancelConfirmation(now: now)
        }
        prompt = nil
        switch confirmation.then {
        case .decide(let operation): return send(operation)
        case .quit: return [.quit]
        }
    }

    private mutating func cancelConfirmation(now: Date) -> [DashboardAction] {
        prompt = nil
        show(StatusMessage("cancelled: nothing decided"), now: now, for: 2)
        return []
    }

    private mutating func commit(_ prompt: Prompt, now: Date) -> [DashboardAction] {
        switch prompt {
        case .filter(let text, _):
            applyFilter(text)
            return []
        case .hostFilter(let text, _):
            applyHostFilter(text)
            return []
        case .deferral(let text, let ids, _):
            do {
                let duration = try DurationText.parse(text)
                guard duration > .zero else {
                    show(StatusMessage("a deferral must be longer than 0", isError: true), now: now)
                    return []
                }
                let extends = timeoutBeforeDeferralEnds(duration, ids: ids, now: now) != nil
                return confirmUnlessShown(DecideOperation(
                    ids: ids, selector: nil, decision: .deferral(duration), extendsTimeout: extends))
            } catch {
                show(StatusMessage(error.description, isError: true), now: now)
                return []
            }
        case .confirm, .command:
            return []
        }
    }

    /// The request whose pending timeout comes first among `ids`, when it comes before a
    /// deferral of `duration` ends: such a deferral also moves the timeouts back (the prompt
    /// says so), so that the timeout never ends a deferred request the operator did not expect.
    func timeoutBeforeDeferralEnds(_ duration: Duration, ids: [String], now: Date) -> (id: String, left: TimeInterval)? {
        let deferral = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let soonest = ids.compactMap { id in daemon.rows[id]?.timeoutAt.map { (id: id, left: $0.timeIntervalSince(now)) } }
            .min { $0.left < $1.left }
        guard let soonest, soonest.left < deferral else { return nil }
        return soonest
    }

    /// Shows the rows `text` matches; the first of them takes the cursor, unless
    /// `selectingFirst` is false and the selected one is still shown.
    mutating func applyFilter(_ text: String, selectingFirst: Bool = true) {
        filter = RowFilter(text)
        if selectingFirst { selectedID = nil }
        reselect()
    }

    // MARK: Decisions

    /// `m`: the decision dialog for the selected request (tags are left alone: the dialog
    /// decides the one request it names).
    private mutating func openDialog(now: Date) {
        guard mayDecide(now: now) else { return }
        guard let row = selectedRow else { return noRequestSelected(now: now) }
        dialog = DecisionDialog(for: row.request)
    }

    private mutating func answer(_ open: DecisionDialog, with key: Key, now: Date) -> [DashboardAction] {
        var dialog = open
        switch key {
        case .escape, .character("q"), .function(10):
            self.dialog = nil
            show(StatusMessage("cancelled"), now: now, for: 2)
            return []
        case .enter:
            self.dialog = nil
            guard daemon.rows[dialog.requestID] != nil else {
                show(StatusMessage("\(dialog.requestID) is no longer pending: nothing decided", isError: true), now: now)
                return []
            }
            return send(dialog.operation)
        case .up, .character("k"), .backTab: dialog.moveField(by: -1)
        case .down, .character("j"), .tab: dialog.moveField(by: 1)
        case .left, .character("h"): dialog.moveChoice(by: -1)
        case .right, .character("l"), .character(" "): dialog.moveChoice(by: 1)
        default: return []
        }
        self.dialog = dialog
        return []
    }

    /// The requests a decision key acts on: the tagged ones, else the selected one.
    mutating func targets(now: Date) -> [String]? {
        guard mayDecide(now: now) else { return nil }
        let tags = taggedIDs
        if !tags.isEmpty { return tags }
        guard let id = selectedID, daemon.rows[id] != nil else {
            noRequestSelected(now: now)
            return nil
        }
        return [id]
    }

    /// Says why a decision key did nothing: the request under the cursor left, or there is none.
    private mutating func noRequestSelected(now: Date) {
        let text = departed.map { "\($0.text): nothing decided; move to choose a request" } ?? "no request selected"
        show(StatusMessage(text, isError: true), now: now, for: 3)
    }

    /// False, with the reason on the status line, when this dashboard cannot decide.
    mutating func mayDecide(now: Date) -> Bool {
        if isObserver {
            show(StatusMessage("read-only: this user may watch but not decide (--observers)", isError: true), now: now)
            return false
        }
        if options.readOnly {
            show(StatusMessage("read-only (--read-only): this dashboard decides nothing", isError: true), now: now)
            return false
        }
        if daemon.disconnection != nil {
            show(StatusMessage("not connected to usher: nothing can be decided", isError: true), now: now)
            return false
        }
        return true
    }

    private mutating func decide(_ decision: DecisionRequest, now: Date) -> [DashboardAction] {
        guard let ids = targets(now: now) else { return [] }
        return confirmUnlessShown(DecideOperation(ids: ids, selector: nil, decision: decision))
    }

    /// Sends a decision on one request the operator sees; any other waits for a confirmation
    /// that names the requests, and those not shown.
    mutating func confirmUnlessShown(_ operation: DecideOperation, which: String? = nil, qualifier: String = "") -> [DashboardAction] {
        let rows = visibleRows()
        let page = max(1, layout.pendingBody.height)
        let onScreen = Set(tableLines().dropFirst(scroll).prefix(page).compactMap { line -> String? in
            if case .request(let row) = line { return row.id }
            return nil
        })
        if which == nil, operation.ids.count == 1, onScreen.contains(operation.ids[0]) { return send(operation) }
        let shown = Set(rows.map(\.id))
        let hidden = Set(operation.ids.filter { !shown.contains($0) })
        let offScreen = Set(operation.ids.filter { shown.contains($0) && !onScreen.contains($0) })
        let anyTagged = operation.ids.contains { tagged.contains($0) }
        prompt = .confirm(Confirmation.deciding(
            operation, verb: Self.verb(operation.decision), which: which ?? (anyTagged ? "tagged" : ""), qualifier: qualifier,
            hidden: hidden, offScreen: offScreen))
        return []
    }

    /// `A`/`X`: the tagged requests, else every request the filter shows.
    private mutating func decideAll(_ decision: DecisionRequest, now: Date) -> [DashboardAction] {
        guard mayDecide(now: now) else { return [] }
        let tags = taggedIDs
        let ids = tags.isEmpty ? visibleRows().map(\.id) : tags
        guard !ids.isEmpty else {
            show(StatusMessage("no request to decide", isError: true), now: now, for: 2)
            return []
        }
        let which = tags.isEmpty ? (filter.isEmpty ? "pending" : "shown") : "tagged"
        return confirmUnlessShown(DecideOperation(ids: ids, selector: nil, decision: decision), which: which)
    }

    /// The tagged requests that are still pending, in arrival order.
    var taggedIDs: [String] {
        Array(daemon.rows.keys.filter { tagged.contains($0) })
    }

    private mutating func send(_ operation: DecideOperation) -> [DashboardAction] {
        decisionsInFlight += 1
        return [.decide(operation)]
    }

    static func verb(_ decision: DecisionRequest) -> String {
        switch decision {
        case .accept: "Accept"
        case .reject(let mode, _): mode == .reset ? "Reset" : "Reject"
        case .deferral: "Defer"
        }
    }
}
