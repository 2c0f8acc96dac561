import Foundation
import UsherWire

extension Dashboard {
    /// The most lines the command line remembers.
    static let commandHistoryLimit = 100

    /// A key on the open `:` command line: text, Tab to complete, Up/Down to recall, Enter to
    /// run, Esc (or Backspace on an empty line) to leave.
    mutating func answerCommandLine(_ text: String, with key: Key, now: Date) -> [DashboardAction] {
        var text = text
        switch key {
        case .escape:
            prompt = nil
            return []
        case .enter:
            prompt = nil
            remember(commandLine: text)
            return run(commandLine: text, now: now)
        case .tab:
            let completion = CommandCompletion.complete(
                text, keyMap: shownKeys, ids: visibleRows().prefix(200).map(\.id),
                listeners: daemon.listeners.map { daemon.listenerName($0.id) })
            text = completion.text
            if !completion.choices.isEmpty { show(StatusMessage(completion.choices.prefix(12).joined(separator: "  ")), now: now, for: 8) }
        case .up, .down:
            guard let recalled = recall(older: key == .up) else { return [] }
            text = recalled
        case .backspace where text.isEmpty, .delete where text.isEmpty:
            prompt = nil
            return []
        default:
            guard let edited = Prompt.edit(text, with: key) else { return [] }
            text = edited
        }
        prompt = .command(text: text)
        return []
    }

    /// Runs one command line, as typed after `:`; a mistake says why on the status line.
    public mutating func run(commandLine text: String, now: Date) -> [DashboardAction] {
        needsRedraw = true
        let command: ColonCommand
        do {
            command = try ColonCommand.parse(text, keyMap: keyMap)
        } catch {
            show(StatusMessage(":\(text): \(error.description)", isError: true), now: now, for: 8)
            return [.bell]
        }
        switch command {
        case .decide(let decision, let target): return decide(decision, target: target, now: now)
        case .askDeferral(let target):
            guard let found = requests(target, now: now) else { return [] }
            prompt = .deferral(text: options.defaultDeferral, ids: found.ids, proposed: true)
        case .filter(let text): applyFilter(text)
        case .sort(let order, let reversed):
            sort = order ?? sort.next
            descending = reversed
            reselect()
        case .theme(let name):
            do {
                let theme = try ThemeChoice.load(name)
                show(StatusMessage("theme \(theme.name)"), now: now, for: 3)
                return [.theme(theme)]
            } catch {
                show(StatusMessage(":theme: \(error.description)", isError: true), now: now, for: 8)
            }
        case .perform(let command): return perform(command, now: now)
        }
        return []
    }

    /// A decision on the requests a command line names; those not on screen, and several,
    /// are confirmed first, as with the keys.
    private mutating func decide(_ decision: DecisionRequest, target: DecisionTarget, now: Date) -> [DashboardAction] {
        guard let found = requests(target, now: now) else { return [] }
        var operation = DecideOperation(ids: found.ids, selector: nil, decision: decision)
        if case .deferral(let duration) = decision {
            operation.extendsTimeout = timeoutBeforeDeferralEnds(duration, ids: found.ids, now: now) != nil
        }
        return confirmUnlessShown(operation, which: found.which, qualifier: found.qualifier)
    }

    /// The pending requests a command line names, and how the confirmation calls them (`which`
    /// nil: as the keys would); nil, with the reason on the status line, when there are none or
    /// none may be decided.
    private mutating func requests(_ target: DecisionTarget, now: Date) -> (ids: [String], which: String?, qualifier: String)? {
        if case .current = target {
            if now < decisionsPausedUntil {
                show(StatusMessage("the line under the cursor just changed: look again, then press Enter", isError: true), now: now, for: 2)
                return nil
            }
            return targets(now: now).map { ($0, nil, "") }
        }
        guard mayDecide(now: now) else { return nil }
        let found: (ids: [String], which: String?, qualifier: String)
        switch target {
        case .current: return nil
        case .ids(let ids):
            if let missing = ids.first(where: { daemon.rows[$0] == nil }) {
                show(StatusMessage("\(missing) is not pending: nothing decided", isError: true), now: now)
                return nil
            }
            found = (ids, nil, "")
        case .all: found = (visibleRows().map(\.id), filter.isEmpty ? "pending" : "shown", "")
        case .tagged: found = (taggedIDs, "tagged", "")
        case .matching(let text, let label):
            let matching = RowFilter(text)
            let listeners = Dictionary(daemon.listeners.map { ($0.id, $0.address) }, uniquingKeysWith: { first, _ in first })
            found = (daemon.rows.values.filter { matching.matches($0, listenerAddress: listeners[$0.request.listener]) }.map(\.id), "", label)
        }
        guard !found.ids.isEmpty else {
            show(StatusMessage("no pending request to decide", isError: true), now: now, for: 3)
            return nil
        }
        return found
    }

    private mutating func remember(commandLine text: String) {
        historyPosition = nil
        let line = text.trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty, commandHistory.last != line else { return }
        commandHistory.append(line)
        if commandHistory.count > Self.commandHistoryLimit { commandHistory.removeFirst(commandHistory.count - Self.commandHistoryLimit) }
    }

    /// The line before (or after) the one recalled last; after the newest, an empty line.
    private mutating func recall(older: Bool) -> String? {
        guard !commandHistory.isEmpty else { return nil }
        let position = historyPosition ?? commandHistory.count
        let next = older ? max(0, position - 1) : min(commandHistory.count, position + 1)
        historyPosition = next
        return next < commandHistory.count ? commandHistory[next] : ""
    }
}
