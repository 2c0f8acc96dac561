import Synchronization
import UsherCore
import UsherKernel

/// The guard's side of a ``ProviderCore``: turns SYNs from the queue into requests of the core
/// (on the guarded ports' listeners) and the core's actions on those requests into verdicts.
///
/// It works on a core its host lends it under the host's lock (``GuardDriver`` for
/// `usher guard`, the gate's engine when a gate also guards ports), so that one core, one
/// sequence of request IDs and one event stream cover both. Verdicts wait in the door until the
/// host has released its lock (``flush()``).
final class GuardDoor: Sendable {
    /// A verdict to send.
    struct Verdict: Equatable {
        var packet: UInt32
        var verdict: GuardVerdict
    }

    private struct State {
        var held = HeldSYNs()
        var verdicts: [Verdict] = []
    }

    private let state = Mutex(State())
    /// The listener of each guarded port.
    private let listeners: [Int: ListenerID]
    private let rejectWith: GuardConfiguration.RejectWith
    private let send: @Sendable (Verdict) -> Void

    /// - Parameters:
    ///   - listeners: the core's listener for each guarded port.
    ///   - send: gives a packet its verdict (called outside any lock).
    init(listeners: [Int: ListenerID], rejectWith: GuardConfiguration.RejectWith, send: @escaping @Sendable (Verdict) -> Void) {
        self.listeners = listeners
        self.rejectWith = rejectWith
        self.send = send
    }

    /// Requests held now.
    var heldCount: Int { state.withLock { $0.held.count } }

    /// The SYN `packet` holds when it is one to a guarded port; anything else is let through at
    /// once, unread, and gives `nil`.
    func segmentToHold(_ packet: QueuedPacket) -> SYNSegment? {
        guard let segment = SYNSegment(packet: packet.bytes), segment.isConnectionRequest,
              listeners[segment.destination.port] != nil
        else {
            send(Verdict(packet: packet.id, verdict: .accept))
            return nil
        }
        return segment
    }

    /// Under the host's lock: a guarded SYN arrived as `packet`.
    func received(_ segment: SYNSegment, packet: UInt32, core: inout ProviderCore, at now: Moment) -> ProviderOutput {
        guard let listener = listeners[segment.destination.port] else { return ProviderOutput() }
        let tuple = HeldSYNs.Tuple(client: segment.source, server: segment.destination)
        return state.withLock { state in
            switch state.held.syn(tuple, packet: packet, sequence: segment.sequenceNumber, at: now) {
            case .decided(let verdict):
                state.verdicts.append(Verdict(packet: packet, verdict: verdict))
                return ProviderOutput()
            case .retransmit(let id, let older, let count):
                state.verdicts.append(Verdict(packet: older, verdict: .drop))
                let after = DurationText.format(state.held.retransmits(of: id).last ?? .zero)
                return (try? core.received(Array("SYN again (\(count)) at +\(after)\n".utf8), for: id, at: now)) ?? ProviderOutput()
            case .new:
                return Self.arrive(segment, packet: packet, tuple: tuple, on: listener, at: now, core: &core, state: &state)
            }
        }
    }

    private static func arrive(
        _ segment: SYNSegment, packet: UInt32, tuple: HeldSYNs.Tuple, on listener: ListenerID, at now: Moment,
        core: inout ProviderCore, state: inout State
    ) -> ProviderOutput {
        var (outcome, output) = core.arrive(on: listener, peer: segment.source, local: segment.destination, at: now)
        switch outcome {
        case .queued(let id):
            state.held.hold(tuple, packet: packet, sequence: segment.sequenceNumber, request: id, at: now)
            let description = "SYN \(segment.options.summary)" + (segment.dataLength > 0 ? " data=\(segment.dataLength)" : "") + "\n"
            output.append(contentsOf: (try? core.received(Array(description.utf8), for: id, at: now)) ?? ProviderOutput())
        case .overflowed(let id):
            state.verdicts.append(Verdict(packet: packet, verdict: .refuse))
            output.append(contentsOf: core.connectionClosed(id, at: now))
        case .parked:
            // The queue is full: as a kernel with a full SYN queue does, drop it; the client
            // sends it again later.
            state.verdicts.append(Verdict(packet: packet, verdict: .drop))
        }
        return output
    }

    /// Under the host's lock: carries out `action` when `id` is a request the door holds (its
    /// SYN gets the verdict, and the core hears that the connection is the server's now, or
    /// gone); `nil` for a request of another.
    func perform(_ action: ConnectionAction, on id: RequestID, core: inout ProviderCore, at now: Moment) -> ProviderOutput? {
        let verdict: GuardVerdict
        switch action {
        case .connectUpstream: verdict = .accept
        case .reject: verdict = rejectWith == .drop ? .drop : .refuse
        case .close: verdict = .drop
        case .stripProxyHeader: return nil
        }
        let packet: UInt32? = state.withLock { state in
            guard let packet = state.held.release(id, verdict: verdict, at: now) else { return nil }
            state.verdicts.append(Verdict(packet: packet, verdict: verdict))
            return packet
        }
        guard packet != nil else { return nil }
        var output = ProviderOutput()
        if verdict == .accept {
            output.append(contentsOf: (try? core.upstreamConnected(id, at: now)) ?? ProviderOutput())
        }
        output.append(contentsOf: core.connectionClosed(id, at: now))
        return output
    }

    /// Under the host's lock: withdraws the requests whose clients stopped retransmitting.
    func sweep(core: inout ProviderCore, at now: Moment) -> ProviderOutput {
        let silent: [RequestID] = state.withLock { state in
            let silent = state.held.silent(at: now)
            for id in silent {
                if let packet = state.held.release(id, verdict: .drop, at: now) {
                    state.verdicts.append(Verdict(packet: packet, verdict: .drop))
                }
            }
            return silent
        }
        var output = ProviderOutput()
        for id in silent { output.append(contentsOf: core.connectionClosed(id, at: now)) }
        return output
    }

    /// After the host released its lock: sends the verdicts decided meanwhile, in order.
    func flush() {
        let verdicts = state.withLock { state in
            defer { state.verdicts.removeAll(keepingCapacity: true) }
            return state.verdicts
        }
        for verdict in verdicts { send(verdict) }
    }
}

/// What lends a ``GuardDoor`` its core: applies a step under its lock, carries out the output
/// (the door's actions through the door, the others as usual), then flushes the door.
protocol GuardHost: Sendable {
    func stepThroughDoor(_ body: (inout ProviderCore) -> ProviderOutput)
}
