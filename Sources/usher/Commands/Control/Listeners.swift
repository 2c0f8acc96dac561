import ArgumentParser
import UsherControl

/// `usher listeners`: the gated listeners of a running daemon.
struct Listeners: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List gated listeners: address, pending queue, state and counters.",
        discussion: """
            One row per --listen address of the daemon: requests pending now and the \
            --max-pending limit, the kernel backlog of its socket, whether usher is \
            accepting from that backlog or has paused (queue full), and what became of \
            every request so far. The last line \
            sums all listeners and checks the invariant \
            arrived = accepted + rejected + withdrawn + expired + overflowed + pending.

            Examples:
              usher listeners
              usher listeners --json | jq '.[] | {address, pending}'

            Exit status: 0, 1 when the daemon refuses, 69 when no daemon answers.
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        let snapshot = try await ControlSession.run(control) { try await $0.snapshot() }
        if output.json {
            ControlSession.printJSON(snapshot.listeners)
            return
        }
        var table = TextTable(
            "LISTENER", "PENDING", "BACKLOG", "STATE", "ARRIVED", "ACCEPTED", "REJECTED", "WITHDRAWN", "EXPIRED",
            "OVERFLOWED")
        for listener in snapshot.listeners {
            table.add(Self.row(
                listener.address, pending: "\(listener.pending)/\(listener.maxPending)",
                backlog: listener.backlog.map(String.init) ?? "-", state: listener.paused ? "paused" : "accepting",
                listener.counters))
        }
        let connections = "\(snapshot.connections)" + (snapshot.maxConnections.map { "/\($0)" } ?? "")
        table.add(Self.row(
            "total", pending: "\(snapshot.counters.pending)", backlog: "", state: "\(connections) conn",
            snapshot.counters))
        print(table.render())
        if !snapshot.counters.conserved {
            StandardError.writeLine("usher: warning: the counters do not add up (a bug in usher; please report it)")
        }
    }

    private static func row(
        _ name: String, pending: String, backlog: String, state: String, _ counters: WireCounters
    ) -> [String] {
        [name, pending, backlog, state] + [
            counters.arrived, counters.accepted, counters.rejected, counters.withdrawn, counters.expired,
            counters.overflowed,
        ].map(String.init)
    }
}
