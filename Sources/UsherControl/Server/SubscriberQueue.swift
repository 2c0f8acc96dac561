import DequeModule

/// The outgoing events of one subscriber, bounded, as a sans-IO state machine.
///
/// While the subscriber's socket takes data, events go straight out. When it does not (the
/// subscriber reads slowly), up to `capacity` events wait here; one more and the subscriber is
/// *lagging*: the queue drops what it holds and says how far behind it fell, and the connection
/// is cut off (the subscriber may subscribe again for a fresh snapshot). Events lost before they
/// reached the subscriber (the provider's observers fell behind, not this reader) show as a gap
/// in the sequence numbers and call for a *resync*, a fresh snapshot that replaces them. The gate
/// never waits for a subscriber, and a subscriber never holds more than `capacity` events.
struct SubscriberQueue<Line> {
    /// What to do with an offered event.
    enum Offer {
        /// Send it now.
        case send(Line)
        /// Kept until the socket drains.
        case held
        /// Dropped: a resync will cover it.
        case dropped
        /// The queue was full: everything held is dropped, `behind` events in all; the
        /// subscriber is to be cut off. Every later offer is `.dropped`.
        case lagging(behind: Int)
        /// Already in the snapshot the subscriber has (its sequence number is not newer).
        case stale
    }

    let capacity: Int
    /// The sequence number of the newest event the subscriber has or will get.
    private(set) var lastSequence: UInt64
    private var backlog = Deque<Line>()
    /// `true` once events were dropped; the next drain must send a snapshot.
    private(set) var needsResync = false
    /// Events dropped since the last resync.
    private(set) var missed = 0
    /// `true` once the queue overflowed: the subscriber is cut off.
    private(set) var isLagging = false

    init(capacity: Int, after sequence: UInt64) {
        self.capacity = max(1, capacity)
        self.lastSequence = sequence
    }

    /// An event arrives; `sequence` is `nil` for events outside the gate's sequence (stats).
    mutating func offer(_ line: Line, sequence: UInt64?, writable: Bool) -> Offer {
        guard !isLagging else { return .dropped }
        if let sequence {
            guard sequence > lastSequence else { return .stale }
            defer { lastSequence = sequence }
            if sequence > lastSequence + 1 && !needsResync {
                missed += backlog.count + Int(sequence - lastSequence - 1) + 1
                backlog.removeAll()
                needsResync = true
                return .dropped
            }
        }
        if needsResync {
            missed += 1
            return .dropped
        }
        if writable && backlog.isEmpty { return .send(line) }
        if backlog.count < capacity {
            backlog.append(line)
            return .held
        }
        defer { backlog.removeAll() }
        isLagging = true
        return .lagging(behind: missed + backlog.count + 1)
    }

    /// The socket drained: the held events to send, in order.
    mutating func takeHeld() -> [Line] {
        defer { backlog.removeAll() }
        return Array(backlog)
    }

    /// A resync snapshot including events up to `sequence` was sent: returns how many events
    /// it replaced.
    mutating func resynced(through sequence: UInt64) -> Int {
        defer {
            missed = 0
            needsResync = false
        }
        lastSequence = max(lastSequence, sequence)
        return missed
    }
}
