import ArgumentParser
import UsherControl
import UsherWire

/// `usher watch`: the event stream.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every event as it happens: arrivals, condition outcomes, decisions, withdrawals.",
        discussion: """
            Winsock's FD_ACCEPT notification, for people and scripts: one line per \
            lifecycle step of every request (arrived, outcome, deferred, undeferred, \
            accepted, rejected, withdrawn, expired, overflowed) and per listener pause or \
            resume, in the order they happened.

            --json prints the protocol's lines as they come: first a snapshot, then one \
            {"type":"event",…} line per event (including a 'stats' event each second when \
            counters changed), and a 'resync' line with a fresh snapshot if this reader fell \
            so far behind that events were dropped (the daemon never waits for a reader).

            Runs until interrupted, or until the daemon stops (exit status 0).

            Examples:
              usher watch
              usher watch --json | jq -c 'select(.type=="event") | .event | {kind, id: .request.id}'

            Exit status: 0 when interrupted or the daemon stopped, 1 when the connection was \
            lost, 69 when no daemon answers.
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        let json = output.json
        try await ControlSession.run(control) { client in
            let snapshot = try await client.subscribe()
            if json {
                Self.write(ControlLine(id: .number(1), message: .snapshot(snapshot)))
            } else {
                Self.announce(snapshot, path: control.path)
            }
            while let line = try await client.next() {
                if json {
                    Self.write(line)
                } else {
                    Self.show(line)
                }
                if case .bye(let bye) = line.message {
                    StandardError.writeLine("usher: the daemon stopped (\(bye.reason))")
                    return
                }
            }
            throw ControlClientError.closed(reason: nil)
        }
    }

    private static func announce(_ snapshot: WireSnapshot, path: String) {
        let listeners = snapshot.listeners.map(\.address).joined(separator: ", ")
        let pending = snapshot.pending.map(\.id).joined(separator: " ")
        StandardOutput.writeLine("watching \(listeners) via \(path): \(snapshot.counters.pending) pending\(pending.isEmpty ? "" : " (\(pending))")")
    }

    private static func show(_ line: ControlLine) {
        switch line.message {
        case .event(let event):
            if let text = EventText.line(event) { StandardOutput.writeLine(text) }
        case .resync(let resync):
            StandardOutput.writeLine("-- missed \(resync.missed) events (reading too slowly); \(resync.snapshot.counters.pending) pending now")
        case .error(let error):
            StandardError.writeLine("usher: \(error.message)")
        default:
            break
        }
    }

    private static func write(_ line: ControlLine) {
        StandardOutput.write(line.encoded().readableBytesView)
    }
}
