import Foundation
import Logging
import Synchronization
import UsherCore
import UsherDataPlane
#if canImport(Glibc)
import Glibc
#endif

/// The gate's connections on the data plane's own loop (``UsherDataPlane``), without SwiftNIO:
/// the same ``ProviderCore``, stepped under one lock as ``GateDriver`` steps it, its actions
/// carried out on the loop by ``Acceptor``s and ``HeldClient``s.
///
/// Everything the loop owns (acceptors, held clients, parked connections) is touched on the
/// loop's thread only; the core and the routing tables live under the lock.
final class EpollEngine: CoreHost {
    private struct State {
        var core: ProviderCore
        /// Client connections held (pending or proxied).
        var connections: Set<RequestID> = []
        var listenerActionCount: [ListenerID: UInt64] = [:]
        var timerDeadline: Moment?
        var timerGeneration: UInt64 = 0
        var drainingUntil: Moment?
        var shuttingDown = false
        var drained = false
    }

    /// What lives on the loop's thread.
    private final class OnLoop: @unchecked Sendable {
        var acceptors: [ListenerID: Acceptor] = [:]
        var lastListenerAction: [ListenerID: UInt64] = [:]
        var parked: [ListenerID: [Acceptor.Accepted]] = [:]
        var held: [RequestID: HeldClient] = [:]
        var connectDeadlines: [RequestID: ContinuousClock.Instant] = [:]
        var connectBackoff: [RequestID: Duration] = [:]
        let pool = BufferPool()
    }

    private let state: Mutex<State>
    private let onLoop = OnLoop()
    let loop: EventLoop
    private let events: EventFanout
    private let upstream: Endpoint
    private let connectTimeout: Duration
    private let lingerTimeout: Duration
    private let logger: Logger

    init(
        core: ProviderCore, upstream: Endpoint, connectTimeout: Duration, lingerTimeout: Duration, events: EventFanout,
        logger: Logger
    ) throws(DataPlaneError) {
        state = Mutex(State(core: core))
        loop = try EventLoop()
        self.events = events
        self.upstream = upstream
        self.connectTimeout = connectTimeout
        self.lingerTimeout = lingerTimeout
        self.logger = logger
        let loop = self.loop
        let thread = Thread { loop.run(threadName: "usher-dataplane") }
        thread.start()
    }

    // MARK: Listeners

    /// Binds every listener, paused, on the loop; the bound addresses in order. On a failure
    /// nothing stays open.
    func bind(_ listeners: [(ListenerConfiguration, Endpoint)], somaxconn: Int) async throws(GateError) -> [Endpoint] {
        let result = await onLoopThread { [self] () -> Result<[Endpoint], GateError> in
            var bound: [Endpoint] = []
            for (index, (listener, endpoint)) in listeners.enumerated() {
                let id = ListenerID(index)
                let backlog = Backlog(requested: listener.backlog, somaxconn: somaxconn)
                do throws(DataPlaneError) {
                    let socket = try ListeningSocket(endpoint, backlog: backlog.effective)
                    onLoop.acceptors[id] = try Acceptor(socket, loop: loop, paused: true, onFailure: { [self] error in
                        logger.warning("accept failed", metadata: [
                            "listener": "\(socket.address)", "reason": "\(error.reason)",
                            "note": "retrying in 1s; new clients wait in the kernel backlog",
                        ])
                    }) { [self] accepted in arrive(accepted, on: id) }
                    bound.append(socket.address)
                } catch {
                    for acceptor in onLoop.acceptors.values { acceptor.close() }
                    onLoop.acceptors = [:]
                    return .failure(.cannotListen(listener.endpoint, reason: error.reason))
                }
            }
            return .success(bound)
        }
        return try result.get()
    }

    func listener(_ listener: ListenerID, isBoundTo endpoint: Endpoint, backlog: Int) {
        state.withLock { $0.core.listener(listener, isBoundTo: endpoint, backlog: backlog) }
    }

    /// Starts taking connections on every listener.
    func startAccepting() async {
        await onLoopThread { [self] in for acceptor in onLoop.acceptors.values { acceptor.resume() } }
    }

    /// On the loop: offers a connection the kernel completed to the core.
    private func arrive(_ accepted: Acceptor.Accepted, on listener: ListenerID) {
        guard offer(accepted, on: listener) else {
            onLoop.parked[listener, default: []].append(accepted)
            onLoop.acceptors[listener]?.pause()
            return
        }
    }

    /// `false` when the core parks it (the queue is full).
    private func offer(_ accepted: Acceptor.Accepted, on listener: ListenerID) -> Bool {
        let outcome = step { state in
            let (outcome, output) = state.core.arrive(on: listener, peer: accepted.peer, local: accepted.local, at: .now)
            if let id = outcome.requestID { state.connections.insert(id) }
            return (outcome, output)
        }
        guard let id = outcome.requestID else { return false }
        hold(accepted.descriptor, as: id)
        return true
    }

    private func hold(_ descriptor: Int32, as id: RequestID) {
        let events = HeldClient.Events(
            received: { [self] bytes in
                let bytes = Array(bytes)
                step { state in ((), (try? state.core.received(bytes, for: id, at: .now)) ?? ProviderOutput()) }
            },
            finishedSending: { [self] in step { state in ((), state.core.callerFinishedSending(id, at: .now)) } },
            upstreamConnected: { [self] in
                onLoop.connectDeadlines[id] = nil
                onLoop.connectBackoff[id] = nil
                step { state in ((), (try? state.core.upstreamConnected(id, at: .now)) ?? ProviderOutput()) }
            },
            upstreamFailed: { [self] error in upstreamFailed(id, error) },
            closed: { [self] _ in closed(id) })
        do {
            onLoop.held[id] = try HeldClient(descriptor, loop: loop, pool: onLoop.pool, events: events)
        } catch {
            Glibc.close(descriptor)
            closed(id)
        }
    }

    /// Out of descriptors or buffers here is no fault of the upstream: tried again with a
    /// growing pause while the connect timeout allows.
    private func upstreamFailed(_ id: RequestID, _ error: DataPlaneError) {
        let deadline = onLoop.connectDeadlines[id] ?? .now
        let backoff = onLoop.connectBackoff[id] ?? .milliseconds(50)
        if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code), .now + backoff < deadline {
            onLoop.connectBackoff[id] = min(backoff * 2, .seconds(1))
            loop.schedule(in: backoff) { [self] in
                onLoop.held[id]?.connect(to: upstream, timeout: deadline - .now)
            }
            return
        }
        onLoop.connectDeadlines[id] = nil
        onLoop.connectBackoff[id] = nil
        step { state in ((), (try? state.core.upstreamFailed(id, reason: error.reason, at: .now)) ?? ProviderOutput()) }
    }

    private func closed(_ id: RequestID) {
        onLoop.held[id] = nil
        onLoop.connectDeadlines[id] = nil
        onLoop.connectBackoff[id] = nil
        step { state in
            state.connections.remove(id)
            return ((), state.core.connectionClosed(id, at: .now))
        }
    }

    // MARK: Carrying out the core's actions (on the loop)

    private func perform(_ action: ConnectionAction, on id: RequestID) {
        guard let held = onLoop.held[id] else { return }
        switch action {
        case .connectUpstream:
            onLoop.connectDeadlines[id] = .now + connectTimeout
            held.connect(to: upstream, timeout: connectTimeout)
        case .reject(let rejection): held.reject(rejection, linger: lingerTimeout)
        case .stripProxyHeader(let length): held.stripHeader(length)
        case .close: held.close()
        }
    }

    private func perform(_ action: ListenerAction, on listener: ListenerID, order: UInt64) {
        guard order > onLoop.lastListenerAction[listener, default: 0], let acceptor = onLoop.acceptors[listener] else { return }
        onLoop.lastListenerAction[listener] = order
        switch action {
        case .pauseAccepting: acceptor.pause()
        case .resumeAccepting:
            var parked = onLoop.parked[listener] ?? []
            while let first = parked.first, offer(first, on: listener) { parked.removeFirst() }
            onLoop.parked[listener] = parked
            if parked.isEmpty { acceptor.resume() }
        }
    }

    // MARK: Queries

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
        await onLoopThread { [self] in
            for (listener, acceptor) in onLoop.acceptors {
                acceptor.pause()
                for accepted in onLoop.parked[listener] ?? [] where !offer(accepted, on: listener) { Glibc.close(accepted.descriptor) }
                onLoop.parked[listener] = nil
                acceptor.close()
            }
            onLoop.acceptors = [:]
        }
    }

    /// Lets the connections still open finish for up to `drainTimeout`, then closes what is
    /// left and stops the loop; returns how many were left.
    func drain(_ drainTimeout: Duration) async -> Int {
        // Once: the loop stops at the end, and runs nothing after.
        guard state.withLock({ state in defer { state.drained = true }; return !state.drained }) else { return 0 }
        let deadline = ContinuousClock.now + drainTimeout
        state.withLock { $0.drainingUntil = .now + drainTimeout }
        while state.withLock({ !$0.connections.isEmpty }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        let left = state.withLock { $0.connections.count }
        await onLoopThread { [self] in for held in onLoop.held.values { held.abort() } }
        loop.stop()
        return left
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


    private enum Delivery {
        case connection(RequestID, ConnectionAction)
        case listener(ListenerID, ListenerAction, order: UInt64)
    }

    @discardableResult
    private func step<Result>(_ body: (inout State) -> (Result, ProviderOutput)) -> Result {
        let (result, deliveries) = state.withLock { state in
            let (result, output) = body(&state)
            return (result, conclude(output, in: &state))
        }
        deliver(deliveries)
        return result
    }

    private func tryStep<Result>(
        _ body: (inout State) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        let attempt: Swift.Result<(Result, [Delivery]), LifecycleError> = state.withLock { state in
            do throws(LifecycleError) {
                let (result, output) = try body(&state)
                return .success((result, conclude(output, in: &state)))
            } catch {
                return .failure(error)
            }
        }
        let (result, deliveries) = try attempt.get()
        deliver(deliveries)
        return result
    }

    /// Under the lock: queues events in order, orders listener actions, re-arms the timer.
    private func conclude(_ output: ProviderOutput, in state: inout State) -> [Delivery] {
        events.enqueue(output.events)
        var deliveries: [Delivery] = []
        for action in output.actions {
            switch action {
            case .connection(let id, let action):
                deliveries.append(.connection(id, action))
            case .listener(let listener, let action):
                let order = state.listenerActionCount[listener, default: 0] + 1
                state.listenerActionCount[listener] = order
                deliveries.append(.listener(listener, action, order: order))
            }
        }
        armTimer(&state)
        return deliveries
    }

    private func deliver(_ deliveries: [Delivery]) {
        events.deliver()
        guard !deliveries.isEmpty else { return }
        loop.execute { [self] in
            for delivery in deliveries {
                switch delivery {
                case .connection(let id, let action): perform(action, on: id)
                case .listener(let listener, let action, let order): perform(action, on: listener, order: order)
                }
            }
        }
    }

    private func armTimer(_ state: inout State) {
        guard let next = state.core.nextDeadline else { return }
        if let armed = state.timerDeadline, armed <= next { return }
        state.timerDeadline = next
        state.timerGeneration += 1
        let generation = state.timerGeneration
        let delay = max(.zero, next - .now)
        loop.execute { [self] in
            loop.schedule(in: delay) { [self] in timerFired(generation) }
        }
    }

    private func timerFired(_ generation: UInt64) {
        step { state in
            if state.timerGeneration == generation { state.timerDeadline = nil }
            return ((), state.core.advance(to: .now))
        }
    }

    /// Runs `body` on the loop's thread and returns its result.
    private func onLoopThread<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            loop.execute { continuation.resume(returning: body()) }
        }
    }
}
