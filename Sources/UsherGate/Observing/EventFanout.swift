import Dispatch
import CEpoll
import DequeModule
import Foundation
import Logging
import NIOConcurrencyHelpers
import Synchronization
import UsherCore

/// Hands every provider event to the registered observers, in the order the core produced them,
/// on a delivery thread of its own (`usher-events`): logging, JSON encoding for subscribers and
/// every other observer's work never runs on an event loop, so under load no I/O thread does
/// everyone's work.
///
/// The driver numbers and queues events while it holds the core's lock (so their order is the
/// core's), then calls ``deliver()`` after releasing it, which wakes the thread if it sleeps. The
/// thread gathers events for ``gathering`` before each delivery and stays awake as long as every
/// round finds new ones: under load that is one short sleep per millisecond and no wake-up from
/// the loops at all; idle, it sleeps until the next event, and ends after ``idleExit`` without
/// one.
///
/// The queue is bounded: past ``capacity`` undelivered events, new ones are dropped and counted
/// (reported once when it starts and once, with the count, when delivery has caught up);
/// observers see the gap in the sequence numbers, and the control plane resynchronizes its
/// subscribers. Observers may call back into the gate.
final class EventFanout: Sendable {
    private enum Worker {
        /// No delivery thread: the next event starts one.
        case none
        /// The thread waits for ``EventFanout/wakeup``.
        case sleeping
        /// The thread is gathering or delivering; it sees new events by itself.
        case running
    }

    private struct State {
        var observers: [@Sendable (GateEvent) -> Void] = []
        /// What each observer asks for, by its place in `observers`.
        var demands: [EventDemand] = []
        var queue = Deque<GateEvent>()
        var worker = Worker.none
        /// Callers of ``flush()`` waiting for the queue to be delivered.
        var flushes: [CheckedContinuation<Void, Never>] = []
        /// Events dropped since the queue was last full.
        var dropped = 0
        var droppedTotal = 0

    }

    /// The most undelivered events held.
    let capacity: Int
    private let state = NIOLockedValueBox(State())
    /// Set under the core's lock when the delivery thread has to be woken or started: the
    /// loops' ``deliver()`` costs one atomic load when it need not be.
    private let needsWakeup = Atomic<Bool>(false)
    /// The sequence number of the last event numbered.
    private let sequence = Atomic<UInt64>(0)
    /// ``interest``'s raw value, kept by ``updateInterest(_:)``.
    private let currentInterest = Atomic<UInt8>(0)
    private let wakeup = DispatchSemaphore(value: 0)
    private let logger: Logger?

    /// How long events gather before a delivery.
    static let gathering = 0.001
    /// How long the delivery thread sleeps without an event before it ends.
    static let idleExit = DispatchTimeInterval.seconds(1)

    /// Wraps each round of delivery (see ``GateConfiguration/eventRound``).
    private let round: @Sendable (() -> Void) -> Void

    init(capacity: Int = 16_384, logger: Logger? = nil, round: (@Sendable (() -> Void) -> Void)? = nil) {
        self.capacity = max(1, capacity)
        self.logger = logger
        self.round = round ?? { $0() }
    }

    /// Adds an observer of every event `demand` asks for (and of any another observer asks for).
    func add(_ observer: @escaping @Sendable (GateEvent) -> Void, demand: EventDemand = .everything) {
        state.withLockedValue { state in
            state.observers.append(observer)
            state.demands.append(demand)
            updateInterest(&state)
        }
        demand.watch { [weak self] in self?.demandChanged() }
    }

    private func demandChanged() {
        state.withLockedValue { updateInterest(&$0) }
    }

    /// Under the lock: what the observers need now, for ``interest`` to read without a lock.
    private func updateInterest(_ state: inout State) {
        let union = state.demands.reduce(into: EventInterest()) { $0.formUnion($1.current) }
        currentInterest.store(union.rawValue, ordering: .sequentiallyConsistent)
    }

    /// The sequence number of the last event queued so far.
    var lastSequence: UInt64 { sequence.load(ordering: .sequentiallyConsistent) }

    /// Events dropped so far because observers fell behind.
    var droppedCount: Int { state.withLockedValue { $0.droppedTotal } }

    /// `true` while a delivery thread runs (waiting for events or delivering them).
    var hasDeliveryThread: Bool { state.withLockedValue { $0.worker != .none } }

    /// The request events some observer asks for now: what the core is to build
    /// (``ProviderCore/eventInterest``).
    var interest: EventInterest {
        EventInterest(rawValue: currentInterest.load(ordering: .sequentiallyConsistent))
    }

    /// Numbers events and queues those some observer asks for now, and numbers `unbuilt`
    /// events that nobody asked for (the core did not build them); cheap enough to call under
    /// another lock, and called under one (the core's): calls come one at a time.
    func enqueue(_ events: [ProviderEvent], unbuilt: Int = 0) {
        guard !events.isEmpty else {
            if unbuilt > 0 { sequence.add(UInt64(unbuilt), ordering: .sequentiallyConsistent) }
            return
        }
        let startedDropping = state.withLockedValue { state in
            // Numbered in one step: calls come one at a time, under the core's lock.
            let end = sequence.add(UInt64(unbuilt + events.count), ordering: .sequentiallyConsistent).newValue
            var last = end - UInt64(events.count)
            var started = false
            let wanted = interest
            var queued = false
            for event in events {
                last += 1
                if case .request(let request) = event, wanted.isDisjoint(with: request.interest) { continue }
                queued = true
                guard state.queue.count < capacity else {
                    started = started || state.dropped == 0
                    state.dropped += 1
                    state.droppedTotal += 1
                    continue
                }
                state.queue.append(GateEvent(sequence: last, event: event))
            }
            if queued, state.worker != .running { needsWakeup.store(true, ordering: .relaxed) }
            return started
        }
        if startedDropping {
            logger?.warning("event observers fell behind", metadata: [
                "queued": "\(capacity)",
                "note": "events are dropped until they catch up; control subscribers get a resync",
            ])
        }
    }

    /// Wakes (or starts) the delivery thread when events wait for it; call after releasing
    /// the lock under which they were queued.
    func deliver() {
        guard needsWakeup.exchange(false, ordering: .relaxed) else { return }
        let before = state.withLockedValue { state in
            defer { state.worker = .running }
            return state.worker
        }
        switch before {
        case .none: Thread.detachNewThread { [self] in deliverUntilIdle() }
        case .sleeping: wakeup.signal()
        case .running: break
        }
    }

    /// Completes once every event queued before the call has reached every observer.
    func flush() async {
        await withCheckedContinuation { continuation in
            state.withLockedValue { state in
                state.flushes.append(continuation)
                if state.worker != .running { needsWakeup.store(true, ordering: .relaxed) }
            }
            deliver()
        }
    }

    // MARK: The delivery thread

    private func deliverUntilIdle() {
        usher_name_thread("usher-events")
        // The queue and this batch trade places at each delivery, so that both keep the room
        // they grew to: events are neither copied nor is their storage allocated again.
        var batch = Deque<GateEvent>()
        while true {
            Thread.sleep(forTimeInterval: Self.gathering)
            // A round that delivered something is followed by another: more is likely coming.
            if deliverQueued(using: &batch) { continue }
            guard sleepUntilWoken() else { return }
        }
    }

    /// Delivers until the queue is empty; `false` when it was empty from the start.
    private func deliverQueued(using batch: inout Deque<GateEvent>) -> Bool {
        var delivered = false
        while let observers = take(into: &batch) {
            delivered = true
            round {
                for event in batch {
                    for observer in observers { observer(event) }
                }
            }
            batch.removeAll(keepingCapacity: true)
        }
        return delivered
    }

    /// Sleeps until ``deliver()`` wakes the thread; `false` when nothing did for ``idleExit``
    /// and the thread is to end.
    private func sleepUntilWoken() -> Bool {
        let idle = state.withLockedValue { state in
            // A flush that came after the last delivery found the thread running and woke
            // nothing: it is completed by another round, not left waiting for the next event.
            guard state.queue.isEmpty, state.flushes.isEmpty else { return false }
            state.worker = .sleeping
            return true
        }
        guard idle else { return true }
        if wakeup.wait(timeout: .now() + Self.idleExit) == .success { return true }
        let ending = state.withLockedValue { state in
            guard state.worker == .sleeping else { return false }
            state.worker = .none
            return true
        }
        // Woken just as it timed out: the signal is on its way; take it.
        if !ending { wakeup.wait() }
        return !ending
    }

    /// Swaps the queued events into the empty `batch`; the observers to give them to, or `nil`
    /// when nothing was queued (then the flushes waiting so far are complete).
    private func take(into batch: inout Deque<GateEvent>) -> [@Sendable (GateEvent) -> Void]? {
        let (observers, caughtUp, flushes) = state.withLockedValue { state in
            guard !state.queue.isEmpty else {
                defer { state.dropped = 0; state.flushes = [] }
                return ([@Sendable (GateEvent) -> Void]?.none, state.dropped, state.flushes)
            }
            swap(&state.queue, &batch)
            return (state.observers, 0, [])
        }
        if caughtUp > 0 {
            logger?.notice("event observers caught up", metadata: ["dropped": "\(caughtUp)"])
        }
        for flush in flushes { flush.resume() }
        return observers
    }
}
