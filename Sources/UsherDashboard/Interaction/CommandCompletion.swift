/// Tab on the `:` command line: the last word completed from what may come there (command
/// names, targets, request IDs, sort orders, theme names), as far as the choices agree.
struct CommandCompletion: Hashable, Sendable {
    /// The line after Tab.
    var text: String
    /// The choices that remain when more than one does.
    var choices: [String]

    /// Completes `line`; `ids` and `listeners` are those the table shows.
    static func complete(_ line: String, keyMap: KeyMap, ids: [String], listeners: [String]) -> CommandCompletion {
        var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let partial = words.removeLast()
        let candidates = Self.candidates(after: words.filter { !$0.isEmpty }, keyMap: keyMap, ids: ids, listeners: listeners)
            .filter { $0.lowercased().hasPrefix(partial.lowercased()) }
        let head = words.isEmpty ? "" : words.joined(separator: " ") + " "
        guard let first = candidates.first else { return CommandCompletion(text: line, choices: []) }
        if candidates.count == 1 { return CommandCompletion(text: head + first + " ", choices: []) }
        var common = first
        for candidate in candidates.dropFirst() {
            while !candidate.lowercased().hasPrefix(common.lowercased()) { common.removeLast() }
        }
        return CommandCompletion(text: head + (common.count > partial.count ? common : partial), choices: candidates)
    }

    /// What may follow `words`.
    private static func candidates(after words: [String], keyMap: KeyMap, ids: [String], listeners: [String]) -> [String] {
        guard let name = words.first?.lowercased() else { return keyMap.bindings.compactMap(\.name) }
        let command = keyMap.binding(named: name)?.command
        let last = words.count > 1 ? words[words.count - 1].lowercased() : nil
        switch command {
        case .accept?, .reject?, .reset?, .deferral?:
            if last == "listener" { return listeners }
            if last == "peer" { return [] }
            if words.count == 1 { return ["all", "tagged", "peer", "listener"] + ids }
            if command == .reject, !(last.map { $0 == "reset" || $0 == "close" } ?? false) { return ["reset", "close"] + ids }
            if command == .deferral { return ["30s", "1m", "5m", "15m", "1h"] }
            return ids
        case .sort?:
            return words.count == 1 ? SortOrder.allCases.map(\.rawValue) + ["reverse"] : ["reverse"]
        case .theme?:
            return words.count == 1 ? BuiltInThemes.names : []
        default:
            return []
        }
    }
}
