import ArgumentParser
import UsherControl
import UsherWire
import UsherCore
import UsherKernel

/// `usher listeners`: the gated listeners of a running daemon; with `--host`, every TCP
/// listener of the host and its kernel accept queue.
struct Listeners: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List gated listeners: address, pending queue, state and counters; --host adds every listener of the host.",
        discussion: """
            One row per --listen address of the daemon: requests pending now and the \
            --max-pending limit, the kernel accept queue of its socket against its \
            backlog (BACKLOG 3/4096: three connections wait there), whether usher is \
            accepting from that backlog or has paused (queue full), and what became of \
            every request so far. The last line \
            sums all listeners and checks the invariant \
            arrived = accepted + rejected + withdrawn + expired + overflowed + pending.

            --host adds a second table, like `ss -lntp`: every TCP socket of the host in \
            LISTEN, IPv4 and IPv6, read from the kernel (netlink inet_diag, no `ss` \
            process). RECV-Q is the accept queue now (connections the kernel completed \
            and the server has not accepted), SEND-Q its limit (the listen() backlog, at \
            most net.core.somaxconn). FULL marks a queue at its limit: the kernel is \
            refusing new handshakes there. PROCESS is command[pid] of the process holding \
            the socket (+N when several do); reading other users' processes needs root. \
            With a daemon, FULL also shows for how long, and ≈N the handshakes refused \
            there, estimated from the host's TcpExtListenOverflows. --host works without \
            a daemon too: then only the host table is printed. See \
            docs/usher-listeners.md.

            Examples:
              usher listeners
              usher listeners --host
              usher listeners --json | jq '.[] | {address, pending}'
              usher listeners --host --json | jq '.[] | select(.host and .saturated)'

            Exit status: 0, 1 when the daemon refuses or the kernel cannot be read, 69 \
            when no daemon answers (without --host).
            """)

    @OptionGroup var output: OutputOptions
    @OptionGroup var control: ControlOptions

    @Flag(help: "Also list every TCP listener of the host, with its kernel accept queue and process.")
    var host = false

    func run() async throws {
        let snapshot: WireSnapshot?
        do {
            snapshot = try await ControlSession.run(control) { try await $0.snapshot(host: host) }
        } catch let failure as CommandFailure where host && failure.exitCode == CommandFailure.Code.unavailable.rawValue {
            snapshot = nil
        }
        let hostListeners = host ? try snapshot?.host ?? Self.sampleHost() : nil
        if output.json {
            let gated = (snapshot?.listeners ?? []).map(AnyListener.gated)
            ControlSession.printJSON(gated + (hostListeners?.listeners ?? []).map(AnyListener.host))
            return
        }
        if let snapshot {
            StandardOutput.writeLine(Self.gatedTable(snapshot))
        }
        if let hostListeners {
            if snapshot != nil { StandardOutput.writeLine("") }
            StandardOutput.writeLine(HostListenersTable.render(hostListeners))
        }
    }

    /// The host's listeners now, read in this process (no daemon to ask).
    private static func sampleHost() throws -> WireHost {
        do {
            var sampler = HostSampler()
            let view = sampler.record(try HostProbe().sample())
            return WireHost(view, clock: WireClock(now: .now), history: false)
        } catch {
            throw CommandFailure("cannot read the host's listeners: \(error.description)", code: .runtime)
        }
    }

    private static func gatedTable(_ snapshot: WireSnapshot) -> String {
        var table = TextTable(
            "LISTENER", "PENDING", "BACKLOG", "STATE", "ARRIVED", "ACCEPTED", "REJECTED", "WITHDRAWN", "EXPIRED",
            "OVERFLOWED")
        for listener in snapshot.listeners {
            table.add(row(
                listener.address, pending: "\(listener.pending)/\(listener.maxPending)",
                backlog: backlogText(listener), state: listener.closed == true ? "closed" : listener.paused ? "paused" : "accepting",
                listener.counters))
        }
        let connections = "\(snapshot.connections)" + (snapshot.maxConnections.map { "/\($0)" } ?? "")
        table.add(row(
            "total", pending: "\(snapshot.counters.pending)", backlog: "", state: "\(connections) conn",
            snapshot.counters))
        if !snapshot.counters.conserved {
            StandardError.writeLine("usher: warning: the counters do not add up (a bug in usher; please report it)")
        }
        return table.render()
    }

    /// `3/128`: the kernel queue's depth over the backlog, or the backlog alone.
    private static func backlogText(_ listener: WireListener) -> String {
        switch (listener.kernelDepth, listener.backlog) {
        case (let depth?, let backlog?): "\(depth)/\(backlog)"
        case (nil, let backlog?): "\(backlog)"
        default: "-"
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

/// A gated or a host listener, for one JSON array.
private enum AnyListener: Encodable {
    case gated(WireListener)
    case host(WireHostListener)

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .gated(let listener): try listener.encode(to: encoder)
        case .host(let listener): try listener.encode(to: encoder)
        }
    }
}
