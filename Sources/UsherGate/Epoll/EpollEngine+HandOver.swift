import Glibc
import UsherCore
import UsherDataPlane

/// What one engine hands to the next usher on a restart: its listening sockets, connections it
/// took from the kernel and had no room to queue yet, held clients and proxied pairs with their
/// requests, and the core's IDs and counters. The descriptors stay this process's until
/// ``EpollEngine/finishHandOver(_:handedOver:)``.
public struct EngineHandOver: Sendable {
    public struct Listener: Sendable {
        public var id: ListenerID
        public var descriptor: Int32
    }

    public struct Parked: Sendable {
        public var listener: ListenerID
        public var descriptor: Int32
        public var peer: Endpoint
        public var local: Endpoint

        public init(listener: ListenerID, descriptor: Int32, peer: Endpoint, local: Endpoint) {
            self.listener = listener
            self.descriptor = descriptor
            self.peer = peer
            self.local = local
        }
    }

    public struct Pending: Sendable {
        public var record: HandedOverRequest
        public var client: HeldClient.HandedOver

        public init(record: HandedOverRequest, client: HeldClient.HandedOver) {
            self.record = record
            self.client = client
        }
    }

    public struct Proxied: Sendable {
        public var record: HandedOverRequest
        public var pair: Relay.HandedOverPair

        public init(record: HandedOverRequest, pair: Relay.HandedOverPair) {
            self.record = record
            self.pair = pair
        }
    }

    public var listeners: [Listener] = []
    public var parked: [Parked] = []
    public var pending: [Pending] = []
    public var proxied: [Proxied] = []
    public var core: CoreHandOver

    /// What the next usher receives: the listening sockets go separately, to the listeners
    /// they belong to.
    public init(core: CoreHandOver) {
        self.core = core
    }

    init(listeners: [Listener], parked: [Parked], core: CoreHandOver) {
        self.listeners = listeners
        self.parked = parked
        self.core = core
    }
}

extension EpollEngine {
    // MARK: Handing over

    /// Stops taking connections and lets go of every held and proxied connection that can be
    /// handed over, with its request (connections being connected to the upstream or turned
    /// away stay here and finish here).
    func beginHandOver(names: ListenerNames) async -> EngineHandOver {
        let (listening, parked) = await on(first) { [self] () -> ([EngineHandOver.Listener], [EngineHandOver.Parked]) in
            var listening: [EngineHandOver.Listener] = []
            var parked: [EngineHandOver.Parked] = []
            for (id, acceptor) in listeners.acceptors.sorted(by: { $0.key < $1.key }) {
                acceptor.pause()
                listening.append(EngineHandOver.Listener(id: id, descriptor: acceptor.listener.descriptor))
                for accepted in listeners.parked[id] ?? [] {
                    parked.append(EngineHandOver.Parked(listener: id, descriptor: accepted.descriptor, peer: accepted.peer, local: accepted.local))
                }
                listeners.parked[id] = nil
            }
            return (listening, parked)
        }
        var handOver = EngineHandOver(listeners: listening, parked: parked, core: CoreHandOver(lastSequence: 0, counters: Counters(), listenerCounters: [:]))
        for worker in workers {
            let (pending, proxied) = await on(worker) { [self] in letGo(on: worker) }
            handOver.pending += pending
            handOver.proxied += proxied
        }
        handOver.core = state.withLock { $0.core.handOverSummary { names[$0] } }
        return handOver
    }

    /// On `worker`: each connection that can be handed over leaves the worker and the core
    /// together (under the core's lock, so that no decision falls between).
    private func letGo(on worker: DataPlaneWorker) -> ([EngineHandOver.Pending], [EngineHandOver.Proxied]) {
        var pending: [EngineHandOver.Pending] = []
        var proxied: [EngineHandOver.Proxied] = []
        for (id, held) in worker.held {
            guard let client = held.client, client.canHandOver else { continue }
            let record = state.withLock { state -> HandedOverRequest? in
                guard let record = state.core.record(of: id) else { return nil }
                state.core.forgetHandedOver([id])
                if state.connections.removeValue(forKey: id) != nil { state.load[worker.index] -= 1 }
                return record
            }
            guard let record else { continue }
            if let pair = client.handOverRelay() {
                proxied.append(EngineHandOver.Proxied(record: record, pair: pair))
            } else if let handed = client.handOver() {
                pending.append(EngineHandOver.Pending(record: record, client: handed))
            }
            worker.held[id] = nil
            held.client = nil
        }
        return (pending, proxied)
    }

    /// After the next usher took everything (`handedOver`), closes this process's copies of the
    /// descriptors: the sockets live on there. Otherwise (it failed), takes everything back and
    /// goes on as before.
    func finishHandOver(_ handOver: EngineHandOver, handedOver: Bool) async {
        guard handedOver else {
            await adopt(handOver, listener: { ListenerID($0) }, names: { _ in nil })
            await startAccepting()
            return
        }
        await on(first) { [self] in
            for listener in handOver.listeners { listeners.acceptors.removeValue(forKey: listener.id)?.close() }
            step { state in
                for listener in handOver.listeners { state.core.closeListener(listener.id) }
                return ((), ProviderOutput())
            }
        }
        for parked in handOver.parked { Glibc.close(parked.descriptor) }
        for pending in handOver.pending { Glibc.close(pending.client.descriptor) }
        for proxied in handOver.proxied {
            Glibc.close(proxied.pair.client)
            Glibc.close(proxied.pair.upstream)
        }
    }

    // MARK: Taking over

    /// Goes on with what the previous usher handed over: its IDs and counters (each listener's
    /// under the name `names` gives it here; `nil` keeps this one's), its held clients and
    /// proxied pairs on the workers with the fewest connections, and the connections it had not
    /// queued yet as new arrivals. `listener` maps the previous usher's listener index to one here.
    func adopt(
        _ handOver: EngineHandOver, listener: @escaping @Sendable (Int) -> ListenerID, names: @escaping @Sendable (ListenerID) -> String?
    ) async {
        step { state in
            state.core.adopt(
                handOver.core, pending: handOver.pending.map(\.record), proxied: handOver.proxied.map(\.record), listener: listener,
                names: names, at: .now)
            for pending in handOver.pending {
                let id = RequestID(pending.record.id)
                let index = assignWorker(to: id, in: &state)
                workers[index].post(.adopt(pending.client, id: id, listener: listener(pending.record.listener)))
                // Accepted before the hand-over, not yet on its way: it is connected here.
                if case .admitting = pending.record.state { workers[index].post(.perform(.connectUpstream, id: id)) }
            }
            for proxied in handOver.proxied {
                let id = RequestID(proxied.record.id)
                workers[assignWorker(to: id, in: &state)].post(.adoptRelay(proxied.pair, id: id))
            }
            return ((), ProviderOutput())
        }
        await on(first) { [self] in
            for parked in handOver.parked {
                let accepted = (descriptor: parked.descriptor, peer: parked.peer, local: parked.local)
                arrive(accepted, on: listener(parked.listener.index))
            }
        }
    }

    /// On `worker`: holds a client, new (nothing kept yet) or one the previous usher held.
    func adopt(_ client: HeldClient.HandedOver, as id: RequestID, from listener: ListenerID, on worker: DataPlaneWorker) {
        let held = EngineConnection(engine: self, id: id, worker: worker, upstream: upstream(of: listener))
        worker.held[id] = held
        do {
            held.client = try HeldClient(client, loop: worker.loop, pool: worker.pool, events: held.events)
        } catch {
            Glibc.close(client.descriptor)
            closed(held)
        }
    }

    /// On `worker`: relays a pair the previous usher relayed.
    func adopt(_ pair: Relay.HandedOverPair, as id: RequestID, on worker: DataPlaneWorker) {
        let held = EngineConnection(engine: self, id: id, worker: worker, upstream: upstream)
        worker.held[id] = held
        do {
            held.client = try HeldClient(relaying: pair, loop: worker.loop, pool: worker.pool, timeouts: relayTimeouts, events: held.events)
        } catch {
            closed(held)
        }
    }
}
