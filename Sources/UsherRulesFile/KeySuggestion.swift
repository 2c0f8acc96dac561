/// The known key a mistyped one most likely meant, for "did you mean" in error messages.
enum KeySuggestion {
    /// The closest of `known` to `key`, within two edits (one for keys of up to four letters);
    /// `nil` when none is that close.
    static func closest(to key: String, in known: [String]) -> String? {
        let typed = Array(key.lowercased())
        let allowed = typed.count <= 4 ? 1 : 2
        let scored = known.map { (key: $0, distance: distance(typed, Array($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }), best.distance <= allowed else { return nil }
        return best.key
    }

    /// " (did you mean 'action'?)", or nothing.
    static func hint(for key: String, in known: [String]) -> String {
        closest(to: key, in: known).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edits (insertions, deletions, substitutions, swaps of neighbours) from `a` to `b`.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
