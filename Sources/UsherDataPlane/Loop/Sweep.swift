/// Something a loop looks at every ``EventLoop/sweepInterval`` while it asks to be: a relay with
/// a side that may go quiet for too long. One timer per loop serves them all, so that watching a
/// connection costs an append and a swap, not a timer of its own.
public protocol Swept: AnyObject {
    /// Its place in the loop's sweep while it is in it; the loop keeps it.
    var sweepSlot: Int? { get set }
    /// A look, at `now`.
    func sweep(now: ContinuousClock.Instant)
}

/// The objects a loop sweeps, with their places kept in each (removal is a swap with the last).
struct SweepList {
    private(set) var objects: [any Swept] = []

    var isEmpty: Bool { objects.isEmpty }

    mutating func add(_ object: any Swept) {
        guard object.sweepSlot == nil else { return }
        object.sweepSlot = objects.count
        objects.append(object)
    }

    mutating func remove(_ object: any Swept) {
        guard let slot = object.sweepSlot, objects.indices.contains(slot), objects[slot] === object else { return }
        let last = objects.removeLast()
        if slot < objects.count {
            objects[slot] = last
            last.sweepSlot = slot
        }
        object.sweepSlot = nil
    }
}
