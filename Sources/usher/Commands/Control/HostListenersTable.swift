#if canImport(Glibc)
import Glibc
#endif
import UsherControl
import UsherWire

/// The host's listeners as `usher listeners --host` prints them: `ss -lnt`'s columns, a mark for
/// full queues, and the process.
enum HostListenersTable {
    static func render(_ host: WireHost) -> String {
        var table = TextTable("STATE", "RECV-Q", "SEND-Q", "LOCAL ADDRESS:PORT", "FULL", "PROCESS")
        for listener in host.listeners {
            table.add([
                "LISTEN", "\(listener.depth)", "\(listener.limit)", listener.address, listener.fullText,
                listener.processText,
            ])
        }
        var text = table.render() + "\n" + summary(host)
        if geteuid() != 0, host.listeners.contains(where: { $0.processes.isEmpty }) {
            text += "\n- in PROCESS: held by another user's process (or none); run as root to see it"
        }
        return text
    }

    /// The line under the table: counts, somaxconn and the host's listen counters.
    private static func summary(_ host: WireHost) -> String {
        let full = host.listeners.count { $0.saturated }
        var parts = ["\(host.listeners.count) listeners", "\(full) full"]
        if let somaxconn = host.somaxconn { parts.append("somaxconn \(somaxconn)") }
        if let overflows = host.listenOverflows, let drops = host.listenDrops {
            var counters = "ListenOverflows \(overflows), ListenDrops \(drops) since boot"
            if let perSecond = host.overflowsPerSecond, let dropsPerSecond = host.dropsPerSecond {
                counters += " (\(rate(perSecond))/s, \(rate(dropsPerSecond))/s now)"
            }
            parts.append(counters)
        }
        return parts.joined(separator: " · ")
    }

    private static func rate(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? "\(Int(value.rounded()))" : "\(Double(Int(value * 10)) / 10)"
    }
}
