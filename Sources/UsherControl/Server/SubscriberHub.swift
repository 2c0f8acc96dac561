import Foundation
import NIOConcurrencyHelpers
import NIOCore
import UsherCore
import UsherWire

/// Every open control connection, and the fan-out of events to those that subscribed.
///
/// Events are encoded once and handed to each subscriber on its own event loop; a subscriber
/// that reads slowly only fills its own bounded queue (see ``SubscriberQueue``).
final class SubscriberHub: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: NIOLoopBound<ControlConnectionHandler>] = [:]
        var subscribers: Set<ObjectIdentifier> = []
        /// Subscribers that asked for the host's listeners.
        var hostSubscribers: Set<ObjectIdentifier> = []
        var eventsMissed = 0
        var lastStats: WireEvent?
        /// Connections admitted and not closed yet (counted from their start, before they join).
        var admitted = 0
        /// Connections turned away for the limit, and subscribers cut off for lagging.
        var turnedAway = LogThrottle()
        var cutOff = LogThrottle()
    }

    private let state = NIOLockedValueBox(State())
    private let service: ControlService
    /// Every event while someone subscribes, none for the hub alone otherwise.
    let demand = EventDemand(.all, active: false)

    init(service: ControlService) {
        self.service = service
    }

    func join(_ handler: NIOLoopBound<ControlConnectionHandler>) {
        state.withLockedValue { $0.connections[ObjectIdentifier(handler.value)] = handler }
    }

    func leave(_ handler: ControlConnectionHandler) {
        state.withLockedValue { $0.connections[ObjectIdentifier(handler)] = nil }
        unsubscribe(handler)
    }

    /// Stops sending events to `handler`.
    func unsubscribe(_ handler: ControlConnectionHandler) {
        let subscribed = state.withLockedValue { state in
            state.hostSubscribers.remove(ObjectIdentifier(handler))
            return state.subscribers.remove(ObjectIdentifier(handler)) != nil
        }
        if subscribed { demand.end() }
    }

    /// Starts sending events to `handler`; call before taking the subscription's snapshot (the
    /// provider builds every event from then on).
    func subscribe(_ handler: ControlConnectionHandler, host: Bool) {
        let new = state.withLockedValue { state in
            if host { state.hostSubscribers.insert(ObjectIdentifier(handler)) }
            return state.subscribers.insert(ObjectIdentifier(handler)).inserted
        }
        if new { demand.begin() }
    }

    /// Takes a place for a new connection: `false` when `limit` are open.
    func admit(limit: Int) -> Bool {
        state.withLockedValue { state in
            guard state.admitted < limit else { return false }
            state.admitted += 1
            return true
        }
    }

    /// Gives back the place of a closed connection.
    func release() {
        state.withLockedValue { $0.admitted -= 1 }
    }

    /// Counts a connection turned away for the limit; returns how many were since the last
    /// time it said to log (once, then at most every `interval`, with the count), else `nil`.
    func turnAway(logEvery interval: Duration) -> Int? {
        state.withLockedValue { $0.turnedAway.occurred(logEvery: interval) }
    }

    /// Counts a subscriber cut off for lagging; says when to log, as ``turnAway(logEvery:)``.
    func cutOff(logEvery interval: Duration) -> Int? {
        state.withLockedValue { $0.cutOff.occurred(logEvery: interval) }
    }

    func recordMissed(_ count: Int) {
        state.withLockedValue { $0.eventsMissed += count }
    }

    /// Connections, subscribers and events missed so far.
    var counts: (connections: Int, subscribers: Int, missed: Int) {
        state.withLockedValue { ($0.connections.count, $0.subscribers.count, $0.eventsMissed) }
    }

    /// Sends a gate event to every subscriber.
    func publish(_ event: GateEvent) {
        let targets = subscriberHandlers()
        guard !targets.isEmpty else { return }
        send(service.wireEvent(event), to: targets)
    }

    /// Sends a `notice` event to every subscriber.
    func publish(_ notice: WireNotice, at date: Date) {
        let targets = subscriberHandlers()
        guard !targets.isEmpty else { return }
        send(WireEvent(seq: nil, at: WireClock.format(date), detail: .notice(notice)), to: targets)
    }

    /// Sends a `stats` tick to every subscriber, when something changed since the last one.
    func publishStats() {
        let targets = subscriberHandlers()
        guard !targets.isEmpty else { return }
        let event = service.statsEvent()
        let changed = state.withLockedValue { state in
            defer { state.lastStats = event }
            return state.lastStats?.detail != event.detail
        }
        if changed { send(event, to: targets) }
    }

    /// Sends a `host` event to the subscribers that asked for the host's listeners.
    func publishHost(_ host: WireHost) {
        let targets = subscriberHandlers(host: true)
        guard !targets.isEmpty else { return }
        send(service.hostEvent(host), to: targets)
    }

    private func send(_ event: WireEvent, to targets: [NIOLoopBound<ControlConnectionHandler>]) {
        let payload = WireJSON.encode(event)
        for target in targets {
            target.eventLoop.execute { target.value.deliver(payload, sequence: event.seq) }
        }
    }

    /// Says goodbye on every connection and closes it; completes when all are closed.
    func closeAll(saying bye: WireBye, on loop: any EventLoop) -> EventLoopFuture<Void> {
        let handlers = state.withLockedValue { Array($0.connections.values) }
        let closings = handlers.map { handler in
            handler.eventLoop.flatSubmit { handler.value.sayGoodbye(bye, on: handler.eventLoop) }
        }
        return EventLoopFuture.andAllComplete(closings, on: loop)
    }

    private func subscriberHandlers(host: Bool = false) -> [NIOLoopBound<ControlConnectionHandler>] {
        state.withLockedValue { state in
            (host ? state.hostSubscribers : state.subscribers).compactMap { state.connections[$0] }
        }
    }
}
