import DequeModule
import NIOConcurrencyHelpers
import UsherCore

/// Hands every provider event to the registered observers, in the order the core produced them,
/// outside the core's lock.
///
/// The driver enqueues events while it holds the core's lock (so their order is the core's), then
/// calls ``drain()`` after releasing it. One thread at a time delivers; a thread that finds
/// another delivering leaves its events to it. Observers may therefore call back into the gate.
final class EventFanout: Sendable {
    private struct State {
        var observers: [@Sendable (GateEvent) -> Void] = []
        var queue = Deque<GateEvent>()
        var lastSequence: UInt64 = 0
        var delivering = false
    }

    private let state = NIOLockedValueBox(State())

    func add(_ observer: @escaping @Sendable (GateEvent) -> Void) {
        state.withLockedValue { $0.observers.append(observer) }
    }

    /// The sequence number of the last event queued so far.
    var lastSequence: UInt64 { state.withLockedValue { $0.lastSequence } }

    /// Numbers events and queues them for delivery; cheap enough to call under another lock.
    func enqueue(_ events: [ProviderEvent]) {
        guard !events.isEmpty else { return }
        state.withLockedValue { state in
            for event in events {
                state.lastSequence += 1
                state.queue.append(GateEvent(sequence: state.lastSequence, event: event))
            }
        }
    }

    /// Delivers queued events unless another thread is already doing so.
    func drain() {
        var batch = takeBatch(starting: true)
        while let (events, observers) = batch {
            for event in events {
                for observer in observers { observer(event) }
            }
            batch = takeBatch(starting: false)
        }
    }

    private func takeBatch(starting: Bool) -> (Deque<GateEvent>, [@Sendable (GateEvent) -> Void])? {
        state.withLockedValue { state in
            if starting && state.delivering { return nil }
            guard !state.queue.isEmpty else {
                if !starting { state.delivering = false }
                return nil
            }
            state.delivering = true
            let events = state.queue
            state.queue.removeAll(keepingCapacity: true)
            return (events, state.observers)
        }
    }
}
