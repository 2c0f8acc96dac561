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
        let rates = rateText(listener.id)
        let fixed = 2 + count.count + 2 + (kernel.isEmpty ? 0 : kernel.count + 2) + rates.count + (listener.paused ? 8 : 0)
        let showsKernelGauge = listener.kernelDepth != nil && end - x - fixed >= 30
        let free = end - x - fixed - (showsKernelGauge ? Self.kernelGauge + 3 : 0)
        let gaugeWidth = max(6, min(40, free / 2))
        let sparkWidth = max(0, min(60, free - gaugeWidth - 2 - 2))
        let gauge = Meter.gauge(value: pending, limit: listener.maxPending, width: gaugeWidth, drawing: drawing)
        let gaugeSlot: Slot = listener.paused ? .gaugeFull : gauge.slot
        x += canvas.put("[", x: x, y: row.y, slot: .border)
        x += canvas.put(gauge.filled, x: x, y: row.y, slot: gaugeSlot)
        x += canvas.put(gauge.empty, x: x, y: row.y, slot: .gaugeEmpty)
        x += canvas.put("]", x: x, y: row.y, slot: .border) + 1
        x += canvas.put(count.padding(to: count.count + 1), x: x, y: row.y, slot: .value, limit: end - x) + 1
        if listener.paused { x += canvas.put("PAUSED", x: x, y: row.y, slot: .gaugeFull, limit: end - x) + 2 }
        x += drawKernel(listener, gauge: showsKernelGauge, into: &canvas, x: x, y: row.y, end: end)
        if sparkWidth >= 4 {
            let samples = daemon.depthHistory[listener.id]?.last(sparkWidth) ?? []
            x += canvas.put(Meter.sparkline(samples, width: sparkWidth, drawing: drawing), x: x, y: row.y, slot: .sparkline) + 2
        }
        canvas.put(rates, x: max(x, end - rates.count), y: row.y, slot: .value, limit: end - x)
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

    private func rateText(_ listener: Int) -> String {
        let meter = daemon.rates[listener] ?? RateMeter()
        return "acc \(Numbers.rate(meter.rate(\.accepted))) rej \(Numbers.rate(meter.rate(\.rejected))) wd \(Numbers.rate(meter.rate(\.withdrawn)))"
    }

    /// `arrived 1,204 = accepted 1,101 + … + pending 39 ✓`, shortened to fit.
    private func drawCounters(into canvas: inout Canvas, row: Rect) {
        guard let counters = daemon.counters else { return }
        let long = [("arrived", counters.arrived), ("accepted", counters.accepted), ("rejected", counters.rejected),
                    ("withdrawn", counters.withdrawn), ("expired", counters.expired), ("overflowed", counters.overflowed),
                    ("pending", counters.pending)]
        let short = ["arr", "acc", "rej", "wd", "exp", "ovf", "pend"]
        let mark = counters.conserved ? drawing.check : "\(drawing.cross) counters do not add up"
        for names in [long.map(\.0), short] {
            let parts = zip(names, long).map { "\($0) \(Numbers.grouped($1.1))" }
            let text = parts[0] + " = " + parts.dropFirst().joined(separator: " + ")
            guard TerminalWidth.of(text) + 3 + TerminalWidth.of(mark) <= row.width || names == short else { continue }
            var x = row.x + 1
            for (index, part) in parts.enumerated() {
                let separator = index == 0 ? "" : index == 1 ? " = " : " + "
                x += canvas.put(separator, x: x, y: row.y, slot: .muted)
                let name = part.prefix { $0 != " " }
                x += canvas.put(name + " ", x: x, y: row.y, slot: .label)
                x += canvas.put(part.dropFirst(name.count + 1), x: x, y: row.y, slot: .value, limit: row.maxX - 1 - x)
            }
            canvas.put(mark, x: x + 2, y: row.y, slot: counters.conserved ? .invariantOK : .invariantBroken, limit: row.maxX - 3 - x)
            return
        }
    }
}
