import Testing
@testable import UsherControl
import UsherWire

@Suite("Control protocol: a slow subscriber's queue")
struct SubscriberQueueTests {
    @Test("events go straight out while the socket takes them; older ones are skipped")
    func sendsAndSkipsStale() {
        var queue = SubscriberQueue<Int>(capacity: 3, after: 10)
        #expect(queue.offer(9, sequence: 9, writable: true).name == "stale")
        #expect(queue.offer(10, sequence: 10, writable: true).name == "stale")
        #expect(queue.offer(11, sequence: 11, writable: true).name == "send 11")
        #expect(queue.offer(0, sequence: nil, writable: true).name == "send 0")
    }

    @Test("a blocked socket holds events up to the capacity, in order")
    func holds() {
        var queue = SubscriberQueue<Int>(capacity: 3, after: 0)
        for sequence in UInt64(1)...3 {
            #expect(queue.offer(Int(sequence), sequence: sequence, writable: false).name == "held")
        }
        #expect(queue.takeHeld() == [1, 2, 3])
        #expect(queue.offer(4, sequence: 4, writable: true).name == "send 4")
    }

    @Test("overflow drops everything held and says the subscriber is lagging, and how far behind")
    func lagging() {
        var queue = SubscriberQueue<Int>(capacity: 2, after: 0)
        _ = queue.offer(1, sequence: 1, writable: false)
        _ = queue.offer(2, sequence: 2, writable: false)
        // Full: even with the socket writable again, the next event cannot jump the queue.
        #expect(queue.offer(3, sequence: 3, writable: true).name == "lagging 3")
        #expect(queue.isLagging)
        #expect(queue.takeHeld().isEmpty, "nothing is kept for a subscriber that is cut off")
        #expect(queue.offer(4, sequence: 4, writable: true).name == "dropped")
        #expect(queue.offer(0, sequence: nil, writable: true).name == "dropped")
    }

    @Test("events lost upstream, then an overflow before the resync: the count covers both")
    func lossThenLagging() {
        var queue = SubscriberQueue<Int>(capacity: 1, after: 0)
        #expect(queue.offer(3, sequence: 3, writable: false).name == "dropped", "1 and 2 were lost upstream")
        #expect(queue.needsResync)
        #expect(queue.resynced(through: 3) == 3)
        #expect(queue.offer(4, sequence: 4, writable: false).name == "held")
        #expect(queue.offer(5, sequence: 5, writable: false).name == "lagging 2")
    }

    @Test("a gap in the sequence (events lost before they reached this subscriber) asks for a resync")
    func gapResyncs() {
        var queue = SubscriberQueue<Int>(capacity: 4, after: 0)
        _ = queue.offer(1, sequence: 1, writable: false)
        #expect(queue.offer(5, sequence: 5, writable: true).name == "dropped")
        #expect(queue.needsResync)
        #expect(queue.takeHeld().isEmpty)
        #expect(queue.offer(6, sequence: 6, writable: true).name == "dropped")
        #expect(queue.resynced(through: 6) == 6, "1 held, 2…4 lost, 5 and 6 covered by the snapshot")
        #expect(queue.offer(7, sequence: 7, writable: true).name == "send 7")
    }
}

extension SubscriberQueue.Offer {
    var name: String {
        switch self {
        case .send(let line): "send \(line)"
        case .held: "held"
        case .dropped: "dropped"
        case .stale: "stale"
        case .lagging(let behind): "lagging \(behind)"
        }
    }
}
