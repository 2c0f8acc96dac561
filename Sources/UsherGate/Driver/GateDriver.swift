import NIOConcurrencyHelpers
import NIOCore
import UsherCore

/// Runs the sans-IO ``ProviderCore`` for the event loops.
///
/// Every call locks the core, applies one event with the current moment, routes the resulting
/// actions to the event loop of the connection (or listener) they concern, queues the events in
/// the core's order (delivered after the lock is released), and keeps a single timer armed for
/// the core's next deadline.
final class GateDriver: CoreHost {
    struct State {
        var core: ProviderCore
        var connections: [RequestID: HeldConnection] = [:]
        /// Connections queued by an admission handler and not yet given their pending handler
        /// by the child channel initializer.
        var awaitingHandler: [ObjectIdentifier: RequestID] = [:]
        var admissions: [ListenerID: NIOLoopBound<AdmissionHandler>] = [:]
        /// How many listener actions were routed to each listener: their order, so that an
        /// admission handler can ignore one that arrives after a newer one.
        var listenerActionCount: [ListenerID: UInt64] = [:]
        var timer: Scheduled<Void>?
        var timerDeadline: Moment?
        var drained: EventLoopPromise<Void>?
        var attached: EventLoopPromise<Void>?
        /// While stopping: when the drain timeout closes what is still open.
        var drainingUntil: Moment?
    }

    /// Work to run on an event loop once the lock is released.
    private enum Delivery {
        case connection(NIOLoopBound<PendingHandler>, ConnectionAction)
        case listener(NIOLoopBound<AdmissionHandler>, ListenerAction, order: UInt64)
    }

    private let state: NIOLockedValueBox<State>
    private let timerLoop: any EventLoop
    private let events: EventFanout
    /// Opens the upstream connection of an accepted request on the client's event loop, with
    /// reading off, within the time given.
    typealias UpstreamConnect = @Sendable (any EventLoop, Duration) -> EventLoopFuture<any Channel>

    let connectUpstream: UpstreamConnect
    let connectTimeout: Duration
    let lingerTimeout: Duration

    init(
        core: ProviderCore, connectUpstream: @escaping UpstreamConnect, connectTimeout: Duration,
        lingerTimeout: Duration, timerLoop: any EventLoop, events: EventFanout
    ) {
        self.state = NIOLockedValueBox(State(core: core))
        self.connectUpstream = connectUpstream
        self.connectTimeout = connectTimeout
        self.lingerTimeout = lingerTimeout
        self.timerLoop = timerLoop
        self.events = events
    }

    // MARK: Listeners

    func register(_ listener: ListenerID, admission: NIOLoopBound<AdmissionHandler>) {
        state.withLockedValue { $0.admissions[listener] = admission }
    }

    func listener(_ listener: ListenerID, isBoundTo endpoint: Endpoint, backlog: Int) {
        state.withLockedValue { $0.core.listener(listener, isBoundTo: endpoint, backlog: backlog) }
    }

    /// Offers a connection the kernel completed; called on the listener's event loop. A queued
    /// (or overflowed) connection gets its ``PendingHandler`` from
    /// ``takeRequestID(of:)`` in the child channel initializer.
    func arrive(on listener: ListenerID, channel: any Channel) -> ArrivalOutcome {
        let peer = Endpoint(channel.remoteAddress) ?? Endpoint(host: "unknown", port: 0)
        let local = Endpoint(channel.localAddress) ?? Endpoint(host: "unknown", port: 0)
        let outcome = step { state in
            let (outcome, output) = state.core.arrive(on: listener, peer: peer, local: local, at: .now)
            if let id = outcome.requestID {
                state.connections[id] = HeldConnection(channel: channel)
                state.awaitingHandler[ObjectIdentifier(channel)] = id
            }
            return (outcome, output)
        }
        if let id = outcome.requestID {
            channel.closeFuture.whenComplete { _ in self.clientClosed(id) }
        }
        return outcome
    }

    // MARK: Connections

    /// The request of a connection that ``arrive(on:channel:)`` queued, for its pending handler;
    /// `nil` for a channel it never saw.
    func takeRequestID(of channel: any Channel) -> RequestID? {
        state.withLockedValue { $0.awaitingHandler.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The handler of a held connection is ready: returns the actions decided before it was.
    func attach(_ id: RequestID, handler: NIOLoopBound<PendingHandler>) -> [ConnectionAction] {
        state.withLockedValue { state in
            guard var connection = state.connections[id] else { return [] }
            let mailbox = connection.mailbox
            connection.handler = handler
            connection.mailbox = []
            state.connections[id] = connection
            Self.settleAttachedIfDone(&state)
            return mailbox
        }
    }

    /// The client stopped sending; the core answers (see
    /// ``ProviderCore/callerFinishedSending(_:at:)``), with a `close` when it was a withdrawal.
    func callerFinishedSending(_ id: RequestID) {
        step { state in ((), state.core.callerFinishedSending(id, at: .now)) }
    }

    /// Caller data arrived.
    func received(_ bytes: [UInt8], for id: RequestID) {
        step { state in ((), (try? state.core.received(bytes, for: id, at: .now)) ?? ProviderOutput()) }
    }

    func upstreamConnected(_ id: RequestID) throws(LifecycleError) {
        try tryStep { state throws(LifecycleError) in ((), try state.core.upstreamConnected(id, at: .now)) }
    }

    func upstreamFailed(_ id: RequestID, reason: String) {
        step { state in ((), (try? state.core.upstreamFailed(id, reason: reason, at: .now)) ?? ProviderOutput()) }
    }

    /// The client connection closed, for whatever reason: if its request was still pending, the
    /// client withdrew it.
    private func clientClosed(_ id: RequestID) {
        step { state in
            if let channel = state.connections.removeValue(forKey: id)?.channel {
                state.awaitingHandler[ObjectIdentifier(channel)] = nil
            }
            let output = state.core.connectionClosed(id, at: .now)
            if state.connections.isEmpty, let drained = state.drained {
                drained.succeed()
                state.drained = nil
            }
            Self.settleAttachedIfDone(&state)
            return ((), output)
        }
    }

    // MARK: Queries

    func snapshot(includingPending: Bool = true) -> GateSnapshot {
        state.withLockedValue { state in
            GateSnapshot(
                counters: state.core.counters, listeners: state.core.listeners,
                connections: state.core.connectionCount, pending: includingPending ? state.core.pendingRequests : [],
                at: .now, lastEventSequence: events.lastSequence, drainingUntil: state.drainingUntil)
        }
    }

    /// Records that the proxied connections drain until `deadline` (snapshots say so).
    func markDraining(until deadline: Moment) {
        state.withLockedValue { $0.drainingUntil = deadline }
    }

    // MARK: Shutdown

    /// Applies the timeout action to every undecided request; from now on nothing is parked.
    /// Returns the admission handlers, to stop listening.
    func beginShutdown() -> [NIOLoopBound<AdmissionHandler>] {
        step { state in (Array(state.admissions.values), state.core.shutDown(at: .now)) }
    }

    /// Completes when every held connection has its handler (none is between NIO's accept and
    /// its registration).
    func allAttached() -> EventLoopFuture<Void> {
        state.withLockedValue { state in
            let promise = state.attached ?? timerLoop.makePromise()
            state.attached = promise
            Self.settleAttachedIfDone(&state)
            return promise.futureResult
        }
    }

    private static func settleAttachedIfDone(_ state: inout State) {
        guard let promise = state.attached, state.connections.values.allSatisfy({ $0.handler != nil }) else { return }
        promise.succeed()
        state.attached = nil
    }

    /// Completes when no connection is held any more.
    func allClosed() -> EventLoopFuture<Void> {
        state.withLockedValue { state in
            if state.connections.isEmpty { return timerLoop.makeSucceededVoidFuture() }
            let promise = state.drained ?? timerLoop.makePromise()
            state.drained = promise
            return promise.futureResult
        }
    }

    /// Client connections held now (pending or proxied).
    var heldConnectionCount: Int {
        state.withLockedValue { $0.connections.count }
    }

    /// Closes every connection still held, and stops the timer.
    func closeAll() {
        let channels = state.withLockedValue { state in
            state.timer?.cancel()
            state.timer = nil
            return state.connections.values.map(\.channel)
        }
        channels.forEach { $0.close(promise: nil) }
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
        state.withLockedValue { body($0.core) }
    }


    private func step<Result>(_ body: (inout State) -> (Result, ProviderOutput)) -> Result {
        let (result, deliveries) = state.withLockedValue { state in
            state.core.eventInterest = events.interest
            let (result, output) = body(&state)
            return (result, conclude(output, in: &state))
        }
        deliver(deliveries)
        return result
    }

    private func tryStep<Result>(
        _ body: (inout State) throws(LifecycleError) -> (Result, ProviderOutput)
    ) throws(LifecycleError) -> Result {
        let attempt: Swift.Result<(Result, [Delivery]), LifecycleError> = state.withLockedValue { state in
            state.core.eventInterest = events.interest
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

    /// Under the lock: queues events in order, routes actions, re-arms the timer.
    private func conclude(_ output: ProviderOutput, in state: inout State) -> [Delivery] {
        events.enqueue(output.events, unbuilt: output.unbuiltEvents)
        var deliveries: [Delivery] = []
        for action in output.actions {
            switch action {
            case .connection(let id, let action):
                guard var connection = state.connections[id] else { continue }
                if let handler = connection.handler {
                    deliveries.append(.connection(handler, action))
                } else {
                    connection.mailbox.append(action)
                    state.connections[id] = connection
                }
            case .listener(let listener, let action):
                guard let admission = state.admissions[listener] else { continue }
                let order = state.listenerActionCount[listener, default: 0] + 1
                state.listenerActionCount[listener] = order
                deliveries.append(.listener(admission, action, order: order))
            }
        }
        armTimer(&state)
        return deliveries
    }

    private func deliver(_ deliveries: [Delivery]) {
        events.deliver()
        for delivery in deliveries {
            switch delivery {
            case .connection(let handler, let action):
                handler.eventLoop.execute { handler.value.perform(action) }
            case .listener(let admission, let action, let order):
                admission.eventLoop.execute { admission.value.perform(action, order: order) }
            }
        }
    }

    private func armTimer(_ state: inout State) {
        guard let next = state.core.nextDeadline else { return }
        if let armed = state.timerDeadline, armed <= next { return }
        state.timer?.cancel()
        state.timerDeadline = next
        state.timer = timerLoop.scheduleTask(deadline: next.deadline) { self.timerFired(armedFor: next) }
    }

    private func timerFired(armedFor deadline: Moment) {
        step { state in
            if state.timerDeadline == deadline {
                state.timerDeadline = nil
                state.timer = nil
            }
            return ((), state.core.advance(to: .now))
        }
    }
}

extension ArrivalOutcome {
    /// The ID of a queued or overflowed request.
    var requestID: RequestID? {
        switch self {
        case .queued(let id), .overflowed(let id): id
        case .parked: nil
        }
    }
}
