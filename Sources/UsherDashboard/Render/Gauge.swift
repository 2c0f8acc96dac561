/// Meter pieces: a bar gauge and a sparkline, as cell strings.
enum Meter {
    /// `[██████░░░░░░]` filled in proportion to `value / limit`, at least one cell when `value`
    /// is not 0; the slot says how full it is.
    static func gauge(value: Int, limit: Int, width: Int, drawing: LineDrawing) -> (filled: String, empty: String, slot: Slot) {
        let cells = max(1, width)
        let ratio = limit > 0 ? min(1, Double(value) / Double(limit)) : 0
        var filled = Int((ratio * Double(cells)).rounded(.down))
        if value > 0 { filled = max(1, filled) }
        let slot: Slot = ratio >= 0.9 ? .gaugeFull : ratio >= 0.5 ? .gaugeWarn : .gaugeOK
        return (String(repeating: drawing.gaugeFull, count: filled),
                String(repeating: drawing.gaugeEmpty, count: cells - filled), slot)
    }

    /// One character per sample, scaled to the largest sample (or 1); padded on the left with
    /// the lowest level to `width`.
    static func sparkline(_ samples: [Int], width: Int, drawing: LineDrawing) -> String {
        let shown = samples.suffix(width)
        let top = max(1, shown.max() ?? 0)
        let levels = drawing.levels
        let line = shown.map { sample -> Character in
            guard sample > 0 else { return levels[0] }
            let level = 1 + (sample * (levels.count - 2)) / top
            return levels[min(levels.count - 1, level)]
        }
        return String(repeating: levels[0], count: max(0, width - line.count)) + String(line)
    }
}
