import Foundation
import UsherWire

/// The header: one meter row per gated listener (pending gauge, kernel backlog, sparkline of
/// depth, rates), then the counters with the conservation invariant.
struct MeterPane {
    let daemon: DaemonView
    let drawing: LineDrawing

    func draw(into canvas: inout Canvas, meters: Rect, counters: Rect) {
        let listeners = daemon.listeners
        guard !listeners.isEmpty else {
            canvas.put(daemon.disconnection.map { _ in "not connected" } ?? "waiting for usher…", x: meters.x + 1, y: meters.y, slot: .muted, limit: meters.width - 2)
            drawCounters(into: &canvas, row: counters)
            return
        }
        let shown = listeners.count > meters.height ? meters.height - 1 : listeners.count
        let nameWidth = listeners.prefix(shown).map { TerminalWidth.of(daemon.listenerName($0.id)) }.max() ?? 6
        for (index, listener) in listeners.prefix(shown).enumerated() {
            drawMeter(listener, into: &canvas, row: meters.row(index), nameWidth: nameWidth)
        }
        if shown < listeners.count {
            let rest = listeners.dropFirst(shown)
            let pending = rest.reduce(0) { $0 + daemon.pendingCount(listener: $1.id) }
            canvas.put("+\(rest.count) more listeners, \(pending) pending (usher listeners lists them all)",
                       x: meters.x + 1, y: meters.y + shown, slot: .muted, limit: meters.width - 2)
        }
        drawCounters(into: &canvas, row: counters)
    }

    private func drawMeter(_ listener: WireListener, into canvas: inout Canvas, row: Rect, nameWidth: Int) {
        let pending = daemon.pendingCount(listener: listener.id)
        var x = row.x + 1
        let end = row.maxX - 1
        x += canvas.put(daemon.listenerName(listener.id).padding(to: nameWidth), x: x, y: row.y, slot: .label) + 1
        x += canvas.put("pending", x: x, y: row.y, slot: .muted) + 1
        let count = "\(pending)/\(listener.maxPending)"
        let kernel = Self.kernelText(listener)
        let rates = rateParts(listener.id)
        let ratesWidth = rates.map(\.count).reduce(rates.count - 1, +)
        // A listener a reloaded configuration left out, or one usher stopped taking from.
        let mark = listener.closed == true ? "CLOSED" : listener.paused ? "PAUSED" : nil
        let fixed = 2 + count.count + 2 + (kernel.isEmpty ? 0 : kernel.count + 2) + ratesWidth + (mark == nil ? 0 : 8)
        let showsKernelGauge = listener.kernelDepth != nil && end - x - fixed >= 30
        let free = end - x - fixed - (showsKernelGauge ? Self.kernelGauge + 3 : 0)
        // The count is never cut: the gauge shrinks first (to 3 cells), then the rates give way.
        let gaugeWidth = max(3, min(40, free / 2, end - x - 3 - count.count))
        let sparkWidth = max(0, min(60, free - gaugeWidth - 2 - 2))
        let gauge = Meter.gauge(value: pending, limit: listener.maxPending, width: gaugeWidth, drawing: drawing)
        let gaugeSlot: Slot = listener.paused ? .gaugeFull : gauge.slot
        x += canvas.put("[", x: x, y: row.y, slot: .border)
        x += canvas.put(gauge.filled, x: x, y: row.y, slot: gaugeSlot)
        x += canvas.put(gauge.empty, x: x, y: row.y, slot: .gaugeEmpty)
        x += canvas.put("]", x: x, y: row.y, slot: .border) + 1
        x += canvas.put(count.padding(to: count.count + 1), x: x, y: row.y, slot: .value, limit: end - x) + 1
        if let mark { x += canvas.put(mark, x: x, y: row.y, slot: listener.paused ? .gaugeFull : .muted, limit: end - x) + 2 }
        x += drawKernel(listener, gauge: showsKernelGauge, into: &canvas, x: x, y: row.y, end: end)
        if sparkWidth >= 4 {
            let samples = daemon.depthHistory[listener.id]?.last(sparkWidth) ?? []
            x += canvas.put(Meter.sparkline(samples, width: sparkWidth, drawing: drawing), x: x, y: row.y, slot: .sparkline) + 2
        }
        let shownRates = Canvas.whole(rates, limit: end - x)
        canvas.put(shownRates, x: max(x, end - shownRates.count), y: row.y, slot: .value, limit: end - x)
    }

    /// Cells of the kernel queue's gauge.
    private static let kernelGauge = 6

    /// `kernel 3/128` when the daemon samples the kernel's queue, else `backlog 128`.
    private static func kernelText(_ listener: WireListener) -> String {
        switch (listener.kernelDepth, listener.backlog) {
        case (let depth?, let backlog?): "kernel \(depth)/\(backlog)"
        case (nil, let backlog?): "backlog \(backlog)"
        default: ""
        }
    }

    /// The kernel tier beside the pending one: the accept queue's depth against the backlog,
    /// as a small gauge that turns full when the kernel starts refusing handshakes.
    private func drawKernel(
        _ listener: WireListener, gauge showsGauge: Bool, into canvas: inout Canvas, x start: Int, y: Int, end: Int
    ) -> Int {
        let text = Self.kernelText(listener)
        guard !text.isEmpty else { return 0 }
        guard let depth = listener.kernelDepth, let backlog = listener.backlog else {
            return canvas.put(text, x: start, y: y, slot: .muted, limit: end - start) + 2
        }
        var x = start
        x += canvas.put("kernel ", x: x, y: y, slot: .muted, limit: end - x)
        let full = depth > 0 && depth >= backlog
        if showsGauge {
            let gauge = Meter.gauge(value: depth, limit: backlog, width: Self.kernelGauge, drawing: drawing)
            x += canvas.put("[", x: x, y: y, slot: .border)
            x += canvas.put(gauge.filled, x: x, y: y, slot: full ? .gaugeFull : gauge.slot)
            x += canvas.put(gauge.empty, x: x, y: y, slot: .gaugeEmpty)
            x += canvas.put("] ", x: x, y: y, slot: .border)
        }
        x += canvas.put("\(depth)/\(backlog)", x: x, y: y, slot: full ? .gaugeFull : .value, limit: end - x)
        return x - start + 2
    }

    /// `acc 3/s`, `rej 0/s`, `wd 0.4/s`: shown whole or not at all.
    private func rateParts(_ listener: Int) -> [String] {
        let meter = daemon.rates[listener] ?? RateMeter()
        return ["acc \(Numbers.rate(meter.rate(\.accepted)))", "rej \(Numbers.rate(meter.rate(\.rejected)))",
                "wd \(Numbers.rate(meter.rate(\.withdrawn)))"]
    }

    /// `arrived 1,204 = accepted 1,101 + … + pending 39 ✓`, shortened to fit: short names, then
    /// without the terms that are zero (the sum still holds), then with terms before `pending`
    /// left out for an ellipsis. Numbers are never cut.
    private func drawCounters(into canvas: inout Canvas, row: Rect) {
        guard let counters = daemon.counters else { return }
        let values = [counters.arrived, counters.accepted, counters.rejected, counters.withdrawn, counters.expired,
                      counters.overflowed, counters.pending]
        let long = ["arrived", "accepted", "rejected", "withdrawn", "expired", "overflowed", "pending"]
        let short = ["arr", "acc", "rej", "wd", "exp", "ovf", "pend"]
        let mark = counters.conserved ? drawing.check : "\(drawing.cross) counters do not add up"
        let room = row.width - 4 - TerminalWidth.of(mark)
        let nonZero = values.indices.filter { $0 == 0 || $0 == values.count - 1 || values[$0] != 0 }
        let forms = [(long, Array(values.indices)), (short, Array(values.indices)), (short, nonZero)]
        func terms(_ form: ([String], [Int])) -> [(String, String)] { form.1.map { (form.0[$0], Numbers.grouped(values[$0])) } }
        func width(_ terms: [(String, String)]) -> Int { terms.reduce(0) { $0 + $1.0.count + 1 + TerminalWidth.of($1.1) + 3 } - 3 }
        var shown = terms(forms.first { width(terms($0)) <= room } ?? forms[forms.count - 1])
        let ellipsis = (String(drawing.ellipsis), "")
        while width(shown) > room, shown.count > 2 {
            shown.remove(at: shown.count - (shown[shown.count - 2] == ellipsis ? 3 : 2))
            if shown[shown.count - 2] != ellipsis { shown.insert(ellipsis, at: shown.count - 1) }
        }
        var x = row.x + 1
        for (position, term) in shown.enumerated() {
            x += canvas.put(position == 0 ? "" : position == 1 ? " = " : " + ", x: x, y: row.y, slot: .muted)
            if term == ellipsis {
                x += canvas.put(term.0, x: x, y: row.y, slot: .muted)
                continue
            }
            x += canvas.put(term.0 + " ", x: x, y: row.y, slot: .label)
            x += canvas.put(term.1, x: x, y: row.y, slot: .value)
        }
        canvas.put(mark, x: x + 2, y: row.y, slot: counters.conserved ? .invariantOK : .invariantBroken, limit: row.maxX - 1 - x)
    }
}
