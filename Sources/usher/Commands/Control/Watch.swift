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
            counters changed), and a 'resync' line with a fresh snapshot if events were lost \
            before they reached this reader. The daemon never waits for a reader: one that \
            reads so slowly that its queue fills up is cut off with a 'lagging' error; \
            watch then subscribes again at once and goes on from a fresh snapshot.

            Runs until interrupted, or until the daemon stops (exit status 0). After \
            'usher restart', it subscribes to the new process by itself.

            Examples:
              usher watch
              usher watch --json | jq -c 'select(.type=="event") | .event | {kind, id: .request.id}'

            Exit status: 0 when interrupted or the daemon stopped, 1 when the connection was \
            lost, 69 when no daemon answers.
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    func run() async throws {
        var first = true
        while true {
            switch try await watchOnce(announcing: first) {
            case .stopped: return
            case .lagging: break
            case .restarted: try await waitForSuccessor()
            }
            first = false
        }
    }

    /// How one subscription ended.
    private enum Ending { case stopped, lagging, restarted }

    /// Waits (up to a minute) until the usher that took over answers on the control socket.
    private func waitForSuccessor() async throws {
        guard try await ControlSession.waitForDaemon(at: control.path, within: .seconds(60)) == nil else { return }
        throw CommandFailure("usher restarted, but no usher answers at \(control.path) within a minute", code: .runtime)
    }

    /// Subscribes and prints until the daemon stops or cuts this reader off for lagging.
    private func watchOnce(announcing: Bool) async throws -> Ending {
        let json = output.json
        return try await ControlSession.run(control) { client in
            let snapshot = try await client.subscribe()
            if json {
                Self.write(ControlLine(id: .number(1), message: .snapshot(snapshot)))
            } else if announcing {
                Self.announce(snapshot, path: control.path)
            } else {
                StandardOutput.writeLine("-- subscribed again: \(snapshot.counters.pending) pending now")
            }
            while let line = try await client.next() {
                if json {
                    Self.write(line)
                } else {
                    Self.show(line)
                }
                if case .error(let error) = line.message, error.code == .lagging { return .lagging }
                if case .bye(let bye) = line.message {
                    if let successor = bye.successor {
                        if !json { StandardOutput.writeLine("-- \(bye.reason); subscribing to pid \(successor)") }
                        return .restarted
                    }
                    StandardError.writeLine("usher: the daemon stopped (\(bye.reason))")
                    return .stopped
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
        case .error(let error) where error.code == .lagging:
            StandardOutput.writeLine("-- cut off: \(error.message)")
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
