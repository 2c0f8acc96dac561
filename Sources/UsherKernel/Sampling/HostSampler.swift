import UsherCore

/// Follows the host's listeners from sample to sample (sans-IO: samples go in, views come out):
/// depth history for graphs, when each queue filled up, and the share of the host's overflow
/// count each full listener is likely to have caused.
public struct HostSampler: Sendable {
    /// Samples of depth kept per listener.
    public let historyLength: Int
    private var listeners: [UInt64: HostListener] = [:]
    private var previous: (at: Moment, counters: ListenCounters?)?

    public init(historyLength: Int = 120) {
        self.historyLength = max(1, historyLength)
    }

    /// Takes in a sample; listeners absent from it are forgotten.
    public mutating func record(_ sample: HostSample) -> HostView {
        let interval = previous.map { sample.at - $0.at }
        var current: [UInt64: HostListener] = [:]
        for socket in sample.sockets {
            let fresh = HostListener(
                socket: socket,
                address: SocketAddressText.text(of: socket, interfaceName: sample.interfaceNames[socket.interfaceIndex]),
                owners: sample.owners[socket.inode] ?? [])
            var listener = listeners[fresh.id] ?? fresh
            listener.socket = socket
            listener.address = fresh.address
            listener.owners = fresh.owners
            follow(&listener, at: sample.at, interval: interval)
            current[listener.id] = listener
        }
        let overflows = growth(of: \.overflows, from: previous?.counters, to: sample.counters)
        let drops = growth(of: \.drops, from: previous?.counters, to: sample.counters)
        share(overflows, among: &current)
        listeners = current
        previous = (sample.at, sample.counters)
        return HostView(
            at: sample.at, interval: interval, somaxconn: sample.somaxconn, counters: sample.counters,
            overflowsPerSecond: rate(overflows, over: interval), dropsPerSecond: rate(drops, over: interval),
            listeners: current.values.sorted(by: Self.portThenAddress))
    }

    private func follow(_ listener: inout HostListener, at moment: Moment, interval: Duration?) {
        listener.history.append(listener.socket.depth)
        if listener.history.count > historyLength {
            listener.history.removeFirst(listener.history.count - historyLength)
        }
        guard listener.socket.isSaturated else {
            listener.saturatedSince = nil
            return
        }
        if listener.saturatedSince != nil, let interval {
            listener.saturatedTime += interval
        }
        listener.saturatedSince = listener.saturatedSince ?? moment
    }

    /// Splits the host's new overflows evenly among the listeners full now or at the previous
    /// sample (the remainder to the deepest queues); the kernel counts overflows per host only.
    private func share(_ overflows: UInt64?, among current: inout [UInt64: HostListener]) {
        guard let overflows, overflows > 0 else { return }
        let full = current.values
            .filter { $0.isSaturated || listeners[$0.id]?.isSaturated == true }
            .sorted { $0.socket.depth > $1.socket.depth }
        guard !full.isEmpty else { return }
        let count = UInt64(full.count)
        for (index, listener) in full.enumerated() {
            current[listener.id]?.dropsEstimate += overflows / count + (UInt64(index) < overflows % count ? 1 : 0)
        }
    }

    private func growth(
        of counter: KeyPath<ListenCounters, UInt64>, from old: ListenCounters?, to new: ListenCounters?
    ) -> UInt64? {
        guard let old, let new, new[keyPath: counter] >= old[keyPath: counter] else { return nil }
        return new[keyPath: counter] - old[keyPath: counter]
    }

    private func rate(_ count: UInt64?, over interval: Duration?) -> Double? {
        guard let count, let interval, interval > .zero else { return nil }
        return Double(count) / interval.inSeconds
    }

    private static func portThenAddress(_ lhs: HostListener, _ rhs: HostListener) -> Bool {
        (lhs.socket.port, lhs.address, lhs.id) < (rhs.socket.port, rhs.address, rhs.id)
    }
}
