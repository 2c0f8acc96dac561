import Dispatch
import DequeModule
import Logging
import NIOConcurrencyHelpers
import UsherCore

/// Hands every provider event to the registered observers, in the order the core produced them,
/// on a serial executor of its own: logging, JSON encoding for subscribers and every other
/// observer's work never runs on an event loop, so under load no I/O thread does everyone's work.
///
/// The driver numbers and queues events while it holds the core's lock (so their order is the
/// core's), then calls ``deliver()`` after releasing it, which schedules the executor if it is not
/// already running. The queue is bounded: past ``capacity`` undelivered events, new ones are
/// dropped and counted (reported once when it starts and once, with the count, when delivery has
/// caught up); observers see the gap in the sequence numbers, and the control plane resynchronizes
/// its subscribers. Observers may call back into the gate.
final class EventFanout: Sendable {
    private struct State {
        var observers: [@Sendable (GateEvent) -> Void] = []
        var queue = Deque<GateEvent>()
        var lastSequence: UInt64 = 0
        /// The executor has been asked to run, or is running.
        var scheduled = false
        /// Set under the core's lock: ``deliver()`` must schedule the executor.
        var needsScheduling = false
        /// Events dropped since the queue was last full.
        var dropped = 0
        var droppedTotal = 0
    }

    /// The most undelivered events held.
    let capacity: Int
    private let state = NIOLockedValueBox(State())
    private let executor = DispatchQueue(label: "usher.events")
    private let logger: Logger?

    init(capacity: Int = 16_384, logger: Logger? = nil) {
        self.capacity = max(1, capacity)
        self.logger = logger
    }

    func add(_ observer: @escaping @Sendable (GateEvent) -> Void) {
        state.withLockedValue { $0.observers.append(observer) }
    }

    /// The sequence number of the last event queued so far.
    var lastSequence: UInt64 { state.withLockedValue { $0.lastSequence } }

    /// Events dropped so far because observers fell behind.
    var droppedCount: Int { state.withLockedValue { $0.droppedTotal } }

    /// Numbers events and queues them; cheap enough to call under another lock.
    func enqueue(_ events: [ProviderEvent]) {
        guard !events.isEmpty else { return }
        let startedDropping = state.withLockedValue { state in
            var started = false
            for event in events {
                state.lastSequence += 1
                guard state.queue.count < capacity else {
                    started = started || state.dropped == 0
                    state.dropped += 1
                    state.droppedTotal += 1
                    continue
                }
                state.queue.append(GateEvent(sequence: state.lastSequence, event: event))
            }
            if !state.scheduled {
                state.scheduled = true
                state.needsScheduling = true
            }
            return started
        }
        if startedDropping {
            logger?.warning("event observers fell behind", metadata: [
                "queued": "\(capacity)",
                "note": "events are dropped until they catch up; control subscribers get a resync",
            ])
        }
    }

    /// Starts delivery on the executor when events are waiting; call after releasing the lock
    /// under which they were queued.
    func deliver() {
        let schedule = state.withLockedValue { state in
            defer { state.needsScheduling = false }
            return state.needsScheduling
        }
        // A moment's delay gathers the events of many steps into one wake-up of the executor:
        // under load that is one thread switch per millisecond rather than one per step.
        if schedule { executor.asyncAfter(deadline: .now() + Self.gathering) { self.run() } }
    }

    /// How long events gather before the executor delivers them.
    static let gathering = DispatchTimeInterval.milliseconds(1)

    /// Completes once every event queued before the call has reached every observer.
    func flush() async {
        await withCheckedContinuation { continuation in
            executor.async {
                self.run()
                continuation.resume()
            }
        }
    }

    private func run() {
        while let (events, observers) = takeBatch() {
            for event in events {
                for observer in observers { observer(event) }
            }
        }
    }

    private func takeBatch() -> (Deque<GateEvent>, [@Sendable (GateEvent) -> Void])? {
        let (batch, caughtUp) = state.withLockedValue { state -> ((Deque<GateEvent>, [@Sendable (GateEvent) -> Void])?, Int) in
            guard !state.queue.isEmpty else {
                state.scheduled = false
                state.needsScheduling = false
                defer { state.dropped = 0 }
                return (nil, state.dropped)
            }
            let events = state.queue
            state.queue.removeAll(keepingCapacity: true)
            return ((events, state.observers), 0)
        }
        if caughtUp > 0 {
            logger?.notice("event observers caught up", metadata: ["dropped": "\(caughtUp)"])
        }
        return batch
    }
}
