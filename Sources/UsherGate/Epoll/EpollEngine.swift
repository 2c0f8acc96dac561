import Foundation
import Logging
import Synchronization
import UsherCore
import UsherDataPlane
#if canImport(Glibc)
import Glibc
#endif

/// The gate's connections on the data plane's own loops (``UsherDataPlane``), without SwiftNIO:
/// the same ``ProviderCore``, stepped under one lock as ``GateDriver`` steps it, its actions
/// carried out on the loops by ``Acceptor``s and ``HeldClient``s.
///
/// One ``DataPlaneWorker`` per thread. The first also takes the connections (one listening
/// socket per listener, as the kernel and `ss` show it) and hands each new one to the worker
/// with the fewest; from then on the connection lives on that worker's loop only. Actions are
/// queued to the loops under the core's lock, so each loop carries them out in the core's order.
final class EpollEngine: CoreHost, GuardHost, WorkerCommandHandler {
    struct State {
        var core: ProviderCore
        /// Client connections held (pending or proxied), and the worker of each.
        var connections: [RequestID: Int] = [:]
        /// Connections per worker.
        var load: [Int]
        var listenerActionCount: [ListenerID: UInt64] = [:]
        var timerDeadline: Moment?
        var timerGeneration: UInt64 = 0
        var drainingUntil: Moment?
        var shuttingDown = false
        var drained = false
        /// A second stop signal: the drain ends now.
        var drainCutShort = false
    }

    /// What the accepting worker's thread owns besides its connections.
    final class Listeners: @unchecked Sendable {
        var acceptors: [ListenerID: Acceptor] = [:]
        var lastAction: [ListenerID: UInt64] = [:]
        var parked: [ListenerID: [Acceptor.Accepted]] = [:]
    }

    let state: Mutex<State>
    let workers: [DataPlaneWorker]
    let listeners = Listeners()
    private let events: EventFanout
    /// The upstream's address, resolved once for every connect.
    let upstream: UsherDataPlane.SocketAddress
    /// The upstream of each listener that has its own, by ``ListenerID`` index (a reloaded
    /// configuration changes them).
    let listenerUpstreams: Mutex<[UsherDataPlane.SocketAddress?]>
    private let connectTimeout: Duration
    private let lingerTimeout: Duration
    let relayTimeouts: RelayTimeouts
    let logger: Logger
    /// The upstream refusing or not answering: said once, then every 10 s with a count.
    private let upstreamWarning = RepeatedWarning()
    /// Ports guarded beside the listeners: their requests hold no connection here, and the
    /// door carries out their actions.
    private let door: GuardDoor?

    /// The worker that takes connections and runs the core's timer.
    var first: DataPlaneWorker { workers[0] }

    /// Starts `threads` workers (at least one).
    init(
        core: ProviderCore, threads: Int, upstream: Endpoint, listenerUpstreams: [Endpoint?] = [], connectTimeout: Duration, lingerTimeout: Duration,
        relayTimeouts: RelayTimeouts = .none, events: EventFanout, door: GuardDoor? = nil, logger: Logger
    ) throws(DataPlaneError) {
        let upstreamAddress = try UsherDataPlane.SocketAddress(upstream)
        var ownUpstreams: [UsherDataPlane.SocketAddress?] = []
        for endpoint in listenerUpstreams {
            ownUpstreams.append(try endpoint.map { endpoint throws(DataPlaneError) in try UsherDataPlane.SocketAddress(endpoint) })
        }
        var workers: [DataPlaneWorker] = []
        for index in 0..<max(1, threads) {
            do throws(DataPlaneError) {
                workers.append(try DataPlaneWorker(index: index))
            } catch {
                for worker in workers { worker.loop.stop() }
                throw error
            }
        }
        self.workers = workers
        state = Mutex(State(core: core, load: Array(repeating: 0, count: workers.count)))
        self.events = events
        self.upstream = upstreamAddress
        self.listenerUpstreams = Mutex(ownUpstreams)
        self.connectTimeout = connectTimeout
        self.lingerTimeout = lingerTimeout
        self.relayTimeouts = relayTimeouts
        self.door = door
        self.logger = logger
        for worker in workers { worker.handler = self }
    }

    // MARK: Listeners

    /// Binds every listener, paused, on the first worker; the bound addresses in order. On a
    /// failure nothing stays open.
    func bind(_ requested: [(ListenerConfiguration, Endpoint)], somaxconn: Int) async throws(GateError) -> [Endpoint] {
        let result = await on(first) { [self] () -> Result<[Endpoint], GateError> in
            let sockets: [ListeningSocket]
            switch Self.open(requested, somaxconn: somaxconn) {
            case .success(let opened): sockets = opened
            case .failure(let error): return .failure(error)
            }
            let numbered = sockets.enumerated().map { (ListenerID($0.offset), $0.element) }
            return startAcceptors(numbered, paused: true).map { sockets.map(\.address) }
        }
        return try result.get()
    }

    /// Opens a listening socket for each of `requested` (or adopts the one systemd gave); on a
    /// failure closes those opened.
    private static func open(_ requested: [(ListenerConfiguration, Endpoint)], somaxconn: Int) -> Result<[ListeningSocket], GateError> {
        var sockets: [ListeningSocket] = []
        for (listener, endpoint) in requested {
            let backlog = Backlog(requested: listener.backlog, somaxconn: somaxconn)
            do throws(DataPlaneError) {
                if let descriptor = listener.inheritedDescriptor {
                    sockets.append(try ListeningSocket(adopting: descriptor))
                } else {
                    sockets.append(try ListeningSocket(endpoint, backlog: backlog.effective))
                }
            } catch {
                for socket in sockets { socket.close() }
                return .failure(.cannotListen(listener.endpoint, reason: error.reason))
            }
        }
        return .success(sockets)
    }

    /// On the first worker: takes each of `sockets`' connections for its ID (once resumed, when
    /// `paused`). On a failure none is taken and every socket is closed.
    private func startAcceptors(_ sockets: [(ListenerID, ListeningSocket)], paused: Bool) -> Result<Void, GateError> {
        var started: [ListenerID] = []
        for (id, socket) in sockets {
            do throws(DataPlaneError) {
                listeners.acceptors[id] = try Acceptor(socket, loop: first.loop, paused: paused, onFailure: { [self] error in
                    logger.warning("accept failed", metadata: [
                        "listener": "\(socket.address)", "reason": "\(error.reason)",
                        "note": "retrying in 1s; new clients wait in the kernel backlog",
                    ])
                }) { [self] accepted in arrive(accepted, on: id) }
                started.append(id)
            } catch {
                for id in started { listeners.acceptors.removeValue(forKey: id)?.close() }
                for (id, socket) in sockets where !started.contains(id) { socket.close() }
                return .failure(.cannotListen(socket.address, reason: error.reason))
            }
        }
        return .success(())
    }

    func listener(_ listener: ListenerID, isBoundTo endpoint: Endpoint, backlog: Int) {
        state.withLock { $0.core.listener(listener, isBoundTo: endpoint, backlog: backlog) }
    }

    /// Starts taking connections on every listener.
    func startAccepting() async {
        await on(first) { [self] in for acceptor in listeners.acceptors.values { acceptor.resume() } }
    }

    // MARK: Reconfiguring

    /// Binds `requested` listeners beside the running ones and takes their connections at once;
    /// their IDs and bound addresses. On a failure none is added and nothing stays open.
    func addListeners(
        _ requested: [(listener: ListenerConfiguration, endpoint: Endpoint, upstream: Endpoint?)], somaxconn: Int
    ) async throws(GateError) -> [(ListenerID, Endpoint)] {
        var resolved: [UsherDataPlane.SocketAddress?] = []
        for entry in requested { resolved.append(try Self.upstreamAddress(entry.upstream)) }
        let upstreams = resolved
        let result = await on(first) { [self] () -> Result<[(ListenerID, Endpoint)], GateError> in
            let sockets: [ListeningSocket]
            switch Self.open(requested.map { ($0.listener, $0.endpoint) }, somaxconn: somaxconn) {
            case .success(let opened): sockets = opened
            case .failure(let error): return .failure(error)
            }
            let ids = step { state in
                let ids = zip(requested, sockets).map { entry, socket in
                    let id = state.core.addListener(entry.listener)
                    let backlog = Backlog(requested: entry.listener.backlog, somaxconn: somaxconn)
                    state.core.listener(id, isBoundTo: socket.address, backlog: backlog.effective)
                    return id
                }
                return (ids, ProviderOutput())
            }
            setUpstreams(Dictionary(uniqueKeysWithValues: zip(ids, upstreams)))
            if case .failure(let error) = startAcceptors(Array(zip(ids, sockets)), paused: false) {
                step { state in
                    for id in ids { state.core.closeListener(id) }
                    return ((), ProviderOutput())
                }
                return .failure(error)
            }
            return .success(Array(zip(ids, sockets.map(\.address))))
        }
        return try result.get()
    }

    /// Stops taking connections on `ids` and closes their sockets; what they queued is decided,
    /// and what they proxy finishes, as before. Connections accepted while the queue was full
    /// are offered first (the core takes them if there is room; the others are closed).
    func closeListeners(_ ids: [ListenerID]) async {
        guard !ids.isEmpty else { return }
        await on(first) { [self] in
            for id in ids {
                listeners.acceptors[id]?.pause()
                for accepted in listeners.parked[id] ?? [] where !offer(accepted, on: id) { Glibc.close(accepted.descriptor) }
                listeners.parked[id] = nil
                listeners.acceptors.removeValue(forKey: id)?.close()
            }
            step { state in
                for id in ids { state.core.closeListener(id) }
                return ((), ProviderOutput())
            }
        }
    }

    /// Gives each listener of `addresses` its own upstream (`nil`: the gate's).
    private func setUpstreams(_ addresses: [ListenerID: UsherDataPlane.SocketAddress?]) {
        listenerUpstreams.withLock { own in
            for (id, address) in addresses {
                while own.count <= id.index { own.append(nil) }
                own[id.index] = address
            }
        }
    }

    private static func upstreamAddress(_ endpoint: Endpoint?) throws(GateError) -> UsherDataPlane.SocketAddress? {
        guard let endpoint else { return nil }
        do throws(DataPlaneError) {
            return try UsherDataPlane.SocketAddress(endpoint)
        } catch {
            throw .cannotResolve(endpoint, role: "upstream", reason: error.reason)
        }
    }

    /// Puts a reloaded configuration in force for new requests: the settings, each listener's
    /// overrides, upstream and own rules.
    func reconfigure(
        _ configuration: ProviderConfiguration, overrides: [ListenerID: ListenerOverrides], upstreams: [ListenerID: Endpoint?],
        listenerRules: [ListenerID: RuleSet]
    ) throws(GateError) {
        var addresses: [ListenerID: UsherDataPlane.SocketAddress?] = [:]
        for (id, endpoint) in upstreams { addresses[id] = try Self.upstreamAddress(endpoint) }
        setUpstreams(addresses)
        step { state in
            state.core.replaceListenerRules(listenerRules)
            return ((), state.core.reconfigure(configuration, overrides: overrides, at: .now))
        }
    }

    /// On the first worker: offers a connection the kernel completed to the core.
    func arrive(_ accepted: Acceptor.Accepted, on listener: ListenerID) {
        guard offer(accepted, on: listener) else {
            listeners.parked[listener, default: []].append(accepted)
            listeners.acceptors[listener]?.pause()
            return
        }
    }

    /// `false` when the core parks it (the queue is full). A connection the core takes goes to
    /// the worker with the fewest, ahead of any action for it.
    func offer(_ accepted: Acceptor.Accepted, on listener: ListenerID) -> Bool {
        let outcome = step { state in
            let (outcome, output) = state.core.arrive(on: listener, peer: accepted.peer, local: accepted.local, at: .now)
            if let id = outcome.requestID {
                workers[assignWorker(to: id, in: &state)].post(.hold(descriptor: accepted.descriptor, id: id, listener: listener))
            }
            return (outcome, output)
        }
        return outcome.requestID != nil
    }

    /// Under the lock: the worker with the fewest connections takes `id`; its index.
    func assignWorker(to id: RequestID, in state: inout State) -> Int {
        let index = state.load.indices.min { state.load[$0] < state.load[$1] } ?? 0
        state.connections[id] = index
        state.load[index] += 1
        return index
    }

    /// On `worker`. The connection is known to the worker before its client reads: a client
    /// that is gone at once is forgotten like any other.
    private func hold(_ descriptor: Int32, as id: RequestID, from listener: ListenerID, on worker: DataPlaneWorker) {
        let client = HeldClient.HandedOver(descriptor: descriptor, captured: [], clientFinishedSending: false, readTheEnd: false)
        adopt(client, as: id, from: listener, on: worker)
    }

    /// Where `listener`'s accepted connections go.
    func upstream(of listener: ListenerID) -> UsherDataPlane.SocketAddress {
        listenerUpstreams.withLock { $0.indices.contains(listener.index) ? $0[listener.index] : nil } ?? upstream
    }

    // MARK: A held connection's facts, reported to the core (on its worker)

    func received(_ bytes: ArraySlice<UInt8>, on held: EngineConnection) {
        let id = held.id
        step { state in ((), (try? state.core.received(bytes, for: id, at: .now)) ?? ProviderOutput()) }
    }

    func finishedSending(_ held: EngineConnection) {
        let id = held.id
        step { state in ((), state.core.callerFinishedSending(id, at: .now)) }
    }

    func upstreamConnected(_ held: EngineConnection) {
        let id = held.id
        held.connectDeadline = nil
        step { state in ((), (try? state.core.upstreamConnected(id, at: .now)) ?? ProviderOutput()) }
    }

    /// Out of descriptors or buffers here is no fault of the upstream: tried again with a
    /// growing pause while the connect timeout allows.
    func upstreamFailed(_ held: EngineConnection, _ error: DataPlaneError) {
        let deadline = held.connectDeadline ?? .now
        let backoff = held.connectBackoff
        if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code), .now + backoff < deadline {
            held.connectBackoff = min(backoff * 2, .seconds(1))
            held.worker.loop.schedule(in: backoff) { [self] in
                held.client?.connect(to: held.upstream, timeout: deadline - .now, timeouts: relayTimeouts)
            }
            return
        }
        held.connectDeadline = nil
        if let count = upstreamWarning.occurred() {
            logger.warning("upstream unreachable", metadata: [
                "upstream": "\(held.upstream)", "reason": "\(error.reason)", "requests": "\(count)",
                "note": "its clients are rejected (by=upstream); said again at most every 10s, with the count",
            ])
        }
        let id = held.id
        step { state in ((), (try? state.core.upstreamFailed(id, reason: error.reason, at: .now)) ?? ProviderOutput()) }
    }

    /// The connection is over; `transferred`: what its relay carried, if it was proxied.
    func closed(_ held: EngineConnection, transferred: Transferred? = nil) {
        let id = held.id, worker = held.worker
        worker.held[id] = nil
        // The client's callbacks hold the connection object and it holds the client: they go
        // together, now (the caller still holds the client for the rest of its call).
        held.client = nil
        step { state in
            if state.connections.removeValue(forKey: id) != nil { state.load[worker.index] -= 1 }
            return ((), state.core.connectionClosed(id, transferred: transferred, at: .now))
        }
    }

    // MARK: Carrying out the core's actions (on the loops)

    func carryOut(_ command: WorkerCommand, on worker: DataPlaneWorker) {
        switch command {
        case .hold(let descriptor, let id, let listener): hold(descriptor, as: id, from: listener, on: worker)
        case .adopt(let client, let id, let listener): adopt(client, as: id, from: listener, on: worker)
        case .adoptRelay(let pair, let id): adopt(pair, as: id, on: worker)
        case .perform(let action, let id): perform(action, on: id, in: worker)
        }
    }

    private func perform(_ action: ConnectionAction, on id: RequestID, in worker: DataPlaneWorker) {
        guard let held = worker.held[id], let client = held.client else { return }
        switch action {
        case .connectUpstream:
            held.connectDeadline = .now + connectTimeout
            client.connect(to: held.upstream, timeout: connectTimeout, timeouts: relayTimeouts)
        case .reject(let rejection): client.reject(rejection, linger: lingerTimeout)
        case .stripProxyHeader(let length): client.stripHeader(length)
        case .close: client.close()
        }
    }

    /// On the first worker.
    private func perform(_ action: ListenerAction, on listener: ListenerID, order: UInt64) {
        guard order > listeners.lastAction[listener, default: 0], let acceptor = listeners.acceptors[listener] else { return }
        listeners.lastAction[listener] = order
        switch action {
        case .pauseAccepting: acceptor.pause()
        case .resumeAccepting:
            var parked = listeners.parked[listener] ?? []
            while let first = parked.first, offer(first, on: listener) { parked.removeFirst() }
            listeners.parked[listener] = parked
            if parked.isEmpty { acceptor.resume() }
        }
    }

    // MARK: Queries

    /// Connection objects alive on the workers: every connection that ended has let go of
    /// its own (a leak shows here, not only as memory).
    var connectionObjects: Int {
        workers.reduce(0) { $0 + $1.connectionObjects.load(ordering: .relaxed) }
    }

    func snapshot(includingPending: Bool) -> GateSnapshot {
        state.withLock { state in
            GateSnapshot(
                counters: state.core.counters, listeners: state.core.listeners,
                connections: state.core.connectionCount, pending: includingPending ? state.core.pendingRequests : [],
                at: .now, lastEventSequence: events.lastSequence, drainingUntil: state.drainingUntil)
        }
    }

    // MARK: Shutdown

    /// Applies the timeout action to every undecided request and stops listening (parked
    /// connections are offered first: the core queues everything once shutting down).
    func stopListening() async {
        let first = step { state in
            defer { state.shuttingDown = true }
            return (!state.shuttingDown, state.shuttingDown ? ProviderOutput() : state.core.shutDown(at: .now))
        }
        guard first else { return }
        await on(self.first) { [self] in
            for (listener, acceptor) in listeners.acceptors {
                acceptor.pause()
                for accepted in listeners.parked[listener] ?? [] where !offer(accepted, on: listener) { Glibc.close(accepted.descriptor) }
                listeners.parked[listener] = nil
                acceptor.close()
            }
            listeners.acceptors = [:]
        }
    }

    /// Lets the connections still open finish for up to `drainTimeout`, then closes what is
    /// left and stops the loops; returns how many were left.
    func drain(_ drainTimeout: Duration) async -> Int {
        // Once: the loops stop at the end, and run nothing after.
        guard state.withLock({ state in defer { state.drained = true }; return !state.drained }) else { return 0 }
        let deadline = ContinuousClock.now + drainTimeout
        state.withLock { $0.drainingUntil = .now + drainTimeout }
        while state.withLock({ !$0.connections.isEmpty && !$0.drainCutShort }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = state.withLock { $0.connections.count }
        for worker in workers {
            await on(worker) {
                for held in worker.held.values { held.client?.abort() }
                worker.handler = nil
            }
            worker.loop.stop()
        }
        return left
    }

    /// Ends a drain now (or the next one at once): what is still open is closed.
    func cutDrainShort() {
        state.withLock { state in
            state.drainCutShort = true
            state.drainingUntil = .now
        }
    }

    // MARK: Stepping

    func stepCore<Result>(_ body: (inout ProviderCore) -> (Result, ProviderOutput)) -> Result {
        step { state in body(&state.core) }
    }

    func tryStepCore<Result>(
        _ body: (inout ProviderCore) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        try tryStep { state throws(LifecycleError) in try body(&state.core) }
    }

    func readCore<Result>(_ body: (ProviderCore) -> Result) -> Result {
        state.withLock { body($0.core) }
    }

    func stepThroughDoor(_ body: (inout ProviderCore) -> ProviderOutput) {
        step { state in ((), body(&state.core)) }
    }

    @discardableResult
    func step<Result>(_ body: (inout State) -> (Result, ProviderOutput)) -> Result {
        let result = state.withLock { state in
            state.core.eventInterest = events.interest
            let (result, output) = body(&state)
            conclude(output, in: &state)
            return result
        }
        events.deliver()
        door?.flush()
        return result
    }

    private func tryStep<Result>(
        _ body: (inout State) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        let attempt: Swift.Result<Result, LifecycleError> = state.withLock { state in
            state.core.eventInterest = events.interest
            do throws(LifecycleError) {
                let (result, output) = try body(&state)
                conclude(output, in: &state)
                return .success(result)
            } catch {
                return .failure(error)
            }
        }
        let result = try attempt.get()
        events.deliver()
        door?.flush()
        return result
    }

    /// Under the lock: queues the events, and the actions to the loops that carry them out (so
    /// that each loop gets them in the core's order), numbers listener actions, re-arms the timer.
    private func conclude(_ output: ProviderOutput, in state: inout State) {
        events.enqueue(output.events, unbuilt: output.unbuiltEvents)
        var atTheDoor = ProviderOutput()
        for action in output.actions {
            switch action {
            case .connection(let id, let action):
                guard let index = state.connections[id] else {
                    if let more = door?.perform(action, on: id, core: &state.core, at: .now) { atTheDoor.append(contentsOf: more) }
                    continue
                }
                workers[index].post(.perform(action, id: id))
            case .listener(let listener, let action):
                let order = state.listenerActionCount[listener, default: 0] + 1
                state.listenerActionCount[listener] = order
                first.loop.execute { [self] in perform(action, on: listener, order: order) }
            }
        }
        // What the guarded requests' verdicts called for (their ends, listeners with room again).
        if !atTheDoor.actions.isEmpty || !atTheDoor.events.isEmpty || atTheDoor.unbuiltEvents > 0 {
            return conclude(atTheDoor, in: &state)
        }
        armTimer(&state)
    }

    private func armTimer(_ state: inout State) {
        guard let next = state.core.nextDeadline else { return }
        if let armed = state.timerDeadline, armed <= next { return }
        state.timerDeadline = next
        state.timerGeneration += 1
        let generation = state.timerGeneration
        let delay = max(.zero, next - .now)
        first.loop.execute { [self] in
            first.loop.schedule(in: delay) { [self] in timerFired(generation) }
        }
    }

    private func timerFired(_ generation: UInt64) {
        step { state in
            if state.timerGeneration == generation { state.timerDeadline = nil }
            return ((), state.core.advance(to: .now))
        }
    }

    /// Runs `body` on `worker`'s thread and returns its result.
    func on<Value: Sendable>(_ worker: DataPlaneWorker, _ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            worker.loop.execute { continuation.resume(returning: body()) }
        }
    }
}
