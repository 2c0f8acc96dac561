import ArgumentParser
import UsherControl
import UsherWire
import UsherCore

/// `usher ls`: the pending requests of a running daemon.
struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List pending requests: ID, state, age, time left, listener, peer and the first bytes sent.",
        discussion: """
            Asks the daemon behind the control socket for its pending queue, oldest first. \
            DATA is the caller data: the HTTP request line and Host when the client speaks \
            HTTP, else the printable bytes (␍␊ for line ends, . for other bytes). TIMEOUT is \
            the time left before the pending timeout applies its action.

            Examples:
              usher ls
              usher ls --peer 10.0.0.0/8 --listener 8080
              usher ls --json | jq -r '.[].id'

            Exit status: 0, 1 when the daemon refuses, 69 when no daemon answers.
            """)

    @OptionGroup var filter: FilterOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        let snapshot = try await ControlSession.run(control) { try await $0.snapshot() }
        let requests = snapshot.pending.filter { filter.selector.matches($0, listeners: snapshot.listeners) }
        if output.json {
            ControlSession.printJSON(requests)
            return
        }
        guard !requests.isEmpty else {
            StandardError.writeLine(filter.isActive ? "No pending request matches." : "No pending requests.")
            return
        }
        StandardOutput.writeLine(Self.table(requests, listeners: snapshot.listeners).render())
    }

    /// The table `usher ls` prints: one row per request.
    static func table(_ requests: [WireRequest], listeners: [WireListener]) -> TextTable {
        var table = TextTable("ID", "STATE", "AGE", "TIMEOUT", "LISTENER", "PEER", "DATA")
        let addresses = Dictionary(listeners.map { ($0.id, $0.address) }) { first, _ in first }
        for request in requests {
            table.add([
                request.id, request.state, Self.duration(ms: request.ageMs), request.timeoutMs.map(Self.duration) ?? "-",
                addresses[request.listener] ?? request.local, request.clientAndProxy, request.callerData.summary,
            ])
        }
        return table
    }

    static func duration(ms: Int64) -> String {
        DurationText.format(.milliseconds(ms))
    }
}
