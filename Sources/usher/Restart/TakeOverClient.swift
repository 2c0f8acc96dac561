import Foundation
import Logging
import UsherCore
import UsherDataPlane
import UsherGate

/// The new usher's side of a restart (`usher serve --takeover`): it asks the usher serving the
/// control socket for everything it holds, starts on it, says so, and waits for the control
/// socket to be free.
final class TakeOverClient: Sendable {
    private let channel: HandOverChannel
    /// The usher taking over from.
    let predecessor: Int32
    /// Its listening sockets: index there, bound address, configured address, descriptor.
    let listeners: [(entry: HandOverMessages.ListenerEntry, descriptor: Int32)]
    /// Everything else it handed over (the listening sockets in it are placeholders until the
    /// gate knows where each goes).
    let handOver: EngineHandOver

    private init(
        channel: HandOverChannel, predecessor: Int32, listeners: [(entry: HandOverMessages.ListenerEntry, descriptor: Int32)],
        handOver: EngineHandOver
    ) {
        self.channel = channel
        self.predecessor = predecessor
        self.listeners = listeners
        self.handOver = handOver
    }

    /// Connects to the usher serving `control` and takes what it hands over; `nil` when no usher
    /// listens there for a successor (this one then starts as usual).
    static func connect(control: String) throws(HandOverError) -> TakeOverClient? {
        let channel: HandOverChannel
        do {
            channel = try HandOverChannel.connect(name: HandOverChannel.name(forControl: control))
        } catch {
            guard error.code == ECONNREFUSED || error.code == ENOENT else { throw HandOverError(error) }
            return nil
        }
        channel.setTimeout(seconds: 60)
        // Another user's process squatting the name gets nothing from this usher, and gives it nothing.
        guard let uid = channel.peerUID, uid == 0 || uid == getuid() else {
            channel.close()
            throw HandOverError("the process listening for a successor of \(control) runs as another user; nothing taken over")
        }
        do {
            try channel.send(HandOverMessages.TakeOverRequest(version: HandOverMessages.version, pid: getpid()))
            return try receive(on: channel)
        } catch {
            channel.close()
            throw error
        }
    }

    private static func receive(on channel: HandOverChannel) throws(HandOverError) -> TakeOverClient {
        let (header, _) = try channel.receive(HandOverMessages.HandOverHeader.self)
        if let refusal = header.refusal { throw HandOverError("pid \(header.pid) does not hand over: \(refusal)") }
        guard header.version == HandOverMessages.version else {
            throw HandOverError("pid \(header.pid) speaks hand-over version \(header.version), this usher \(HandOverMessages.version)")
        }
        var received: [Int32] = []
        do {
            var listeners: [(entry: HandOverMessages.ListenerEntry, descriptor: Int32)] = []
            for entry in header.listeners {
                let (_, descriptors) = try channel.receive([String: Int].self, descriptors: 1)
                received += descriptors
                listeners.append((entry, descriptors[0]))
            }
            var handOver = EngineHandOver(core: header.core)
            for _ in 0..<header.parked {
                let (entry, descriptors) = try channel.receive(HandOverMessages.ParkedEntry.self, descriptors: 1)
                received += descriptors
                handOver.parked.append(EngineHandOver.Parked(
                    listener: ListenerID(entry.listener), descriptor: descriptors[0], peer: entry.peer, local: entry.local))
            }
            for _ in 0..<header.pending {
                let (entry, descriptors) = try channel.receive(HandOverMessages.PendingEntry.self, descriptors: 1)
                received += descriptors
                let client = HeldClient.HandedOver(
                    descriptor: descriptors[0], captured: Array(entry.captured), clientFinishedSending: entry.finishedSending,
                    readTheEnd: entry.readTheEnd)
                handOver.pending.append(EngineHandOver.Pending(record: entry.record, client: client))
            }
            for _ in 0..<header.proxied {
                let (entry, descriptors) = try channel.receive(HandOverMessages.ProxiedEntry.self, descriptors: 2)
                received += descriptors
                let pair = Relay.HandedOverPair(
                    client: descriptors[0], upstream: descriptors[1], toUpstream: Array(entry.toUpstream), toClient: Array(entry.toClient),
                    sourcesEnded: Relay.Sides(rawValue: entry.sourcesEnded), sinksShutDown: Relay.Sides(rawValue: entry.sinksShutDown),
                    totals: entry.totals)
                handOver.proxied.append(EngineHandOver.Proxied(record: entry.record, pair: pair))
            }
            return TakeOverClient(channel: channel, predecessor: header.pid, listeners: listeners, handOver: handOver)
        } catch {
            for descriptor in received { Glibc.close(descriptor) }
            throw error
        }
    }

    /// `configuration` with the predecessor's listening sockets in place of binding new ones
    /// (matched by address: the bound one, or as configured for port 0); its listeners this
    /// configuration leaves out are added, to be closed once what they had is taken.
    func takingOver(_ configuration: GateConfiguration) -> GateConfiguration {
        var configuration = configuration
        var index: [Int: Int] = [:]
        var closing: [Int] = []
        var taken = Set<Int>()
        // The sockets systemd passed the predecessor, taken as such (fd:NAME).
        for (position, listener) in configuration.listeners.enumerated() {
            guard let descriptor = listener.inheritedDescriptor, let old = listeners.first(where: { $0.descriptor == descriptor }) else { continue }
            taken.insert(old.entry.index)
            index[old.entry.index] = position
        }
        for (position, listener) in configuration.listeners.enumerated() where listener.inheritedDescriptor == nil {
            let address = listener.endpoint.description
            let match = listeners.first { old in
                !taken.contains(old.entry.index) && (old.entry.name == address || (listener.endpoint.port == 0 && old.entry.configured == address))
            }
            guard let match else { continue }
            taken.insert(match.entry.index)
            configuration.listeners[position].inheritedDescriptor = match.descriptor
            index[match.entry.index] = position
        }
        for old in listeners where !taken.contains(old.entry.index) {
            let endpoint = (try? Endpoint.parse(old.entry.name)) ?? Endpoint(host: "0.0.0.0", port: 0)
            index[old.entry.index] = configuration.listeners.count
            closing.append(configuration.listeners.count)
            configuration.listeners.append(ListenerConfiguration(endpoint: endpoint, inheritedDescriptor: old.descriptor))
        }
        configuration.takingOver = TakeOver(handOver: handOver, listenerIndex: index, closing: closing)
        return configuration
    }

    /// The sockets systemd passed the predecessor, as if passed to this process.
    var systemdSockets: SystemdSockets {
        SystemdSockets(sockets: listeners.compactMap { listener in listener.entry.systemd.map { ($0, listener.descriptor) } })
    }

    /// Tells the predecessor this usher runs (or why it could not start: the predecessor then
    /// takes everything back), and when it runs, waits until the control socket is free.
    func answer(_ failure: String?) throws(HandOverError) {
        defer { if failure != nil { channel.close() } }
        try channel.send(HandOverMessages.HandOverAnswer(ok: failure == nil, error: failure))
        guard failure == nil else { return }
        // Everything is here now: wait for the control socket as long as the predecessor lives
        // (it closes the channel when it ends), up to five minutes.
        channel.setTimeout(seconds: 300)
        _ = try channel.receive(HandOverMessages.HandOverReleased.self)
        channel.close()
    }
}
