import DequeModule
import HeapModule

/// A loop's timers, without IO or a clock: tasks that are due at an instant, cancelled by the
/// ``TimerID`` they got, taken out in the order they are due.
///
/// Built for the data plane's case, many timers of the same length (connect timeouts, lingers)
/// that are nearly all cancelled long before they are due, with no hashing and no allocation
/// once warm:
/// - a task lives in a numbered slot, reused once its timer ran or was cancelled; a slot's
///   generation tells a timer from an earlier one of the same slot;
/// - timers due no earlier than the last one queued (the usual case: equal lengths) go to a
///   FIFO, in O(1); the others to a min-heap;
/// - a cancelled timer lets go of its task at once; its entry is dropped when it reaches the
///   front.
public struct TimerQueue<Instant: Comparable> {
    /// A timer that was scheduled, to cancel it.
    public struct TimerID: Hashable, Sendable {
        let slot: Int32
        let generation: UInt32
    }

    private struct Slot {
        var task: (() -> Void)?
        var generation: UInt32 = 0
    }

    /// An entry of the FIFO or the heap; stale once its slot's generation moved on.
    private struct Entry: Comparable {
        let due: Instant
        /// Ties are taken in the order they were scheduled.
        let order: UInt64
        let slot: Int32
        let generation: UInt32
        static func < (a: Entry, b: Entry) -> Bool { a.due < b.due || (a.due == b.due && a.order < b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.order == b.order }
    }

    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var inOrder = Deque<Entry>()
    private var outOfOrder = Heap<Entry>()
    private var scheduled: UInt64 = 0
    /// Timers scheduled and neither run nor cancelled.
    public private(set) var count = 0

    public init() {}

    /// Adds `task`, due at `due`.
    public mutating func schedule(at due: Instant, _ task: @escaping () -> Void) -> TimerID {
        let slot = freeSlots.popLast() ?? appendSlot()
        slots[Int(slot)].task = task
        scheduled += 1
        count += 1
        let entry = Entry(due: due, order: scheduled, slot: slot, generation: slots[Int(slot)].generation)
        if let last = inOrder.last, entry < last {
            outOfOrder.insert(entry)
        } else {
            inOrder.append(entry)
        }
        return TimerID(slot: slot, generation: entry.generation)
    }

    /// Cancels a timer that has neither run nor been cancelled, and lets go of its task; nothing
    /// otherwise.
    public mutating func cancel(_ timer: TimerID) {
        guard isScheduled(timer.slot, timer.generation) else { return }
        release(timer.slot)
    }

    /// When the earliest timer is due, if any.
    public mutating func nextDue() -> Instant? {
        dropCancelled()
        return earliest()?.due
    }

    /// Takes the earliest timer's task out if it is due at `now`.
    public mutating func popDue(at now: Instant) -> (() -> Void)? {
        dropCancelled()
        guard let entry = earliest(), entry.due <= now else { return nil }
        removeEarliest(entry)
        let task = slots[Int(entry.slot)].task
        release(entry.slot)
        return task
    }

    // MARK: Slots and entries

    private mutating func appendSlot() -> Int32 {
        slots.append(Slot())
        return Int32(slots.count - 1)
    }

    private func isScheduled(_ slot: Int32, _ generation: UInt32) -> Bool {
        slots.indices.contains(Int(slot)) && slots[Int(slot)].generation == generation && slots[Int(slot)].task != nil
    }

    private mutating func release(_ slot: Int32) {
        slots[Int(slot)].task = nil
        slots[Int(slot)].generation &+= 1
        freeSlots.append(slot)
        count -= 1
    }

    private func earliest() -> Entry? {
        switch (inOrder.first, outOfOrder.min) {
        case (let first?, let min?): Swift.min(first, min)
        case (let first?, nil): first
        case (nil, let min?): min
        case (nil, nil): nil
        }
    }

    private mutating func removeEarliest(_ entry: Entry) {
        if inOrder.first == entry { inOrder.removeFirst() } else { outOfOrder.removeMin() }
    }

    /// Drops the entries of cancelled timers from the front of both queues.
    private mutating func dropCancelled() {
        while let first = inOrder.first, !isScheduled(first.slot, first.generation) { inOrder.removeFirst() }
        while let min = outOfOrder.min, !isScheduled(min.slot, min.generation) { outOfOrder.removeMin() }
    }
}
