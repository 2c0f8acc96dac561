import Testing
import UsherCore

/// One core hands its requests to another (a restart): same IDs, states and deadlines, counters
/// that still add up, IDs that go on.
@Suite("Provider core: hand-over")
struct HandOverTests {
    @Test("pending and deferred requests go on in the next core with their deadlines; IDs continue; the counters add up in both")
    func pendingRequests() throws {
        var old = CoreFixtures.core(policy: .ask, timeout: .seconds(60))
        let (first, _) = old.queued(port: 40_001, at: CoreFixtures.seconds(1))
        let (second, _) = old.queued(port: 40_002, at: CoreFixtures.seconds(2))
        let waiting = try #require(first), deferred = try #require(second)
        _ = try old.decide(deferred, .deferral(.seconds(30)), by: .operator(Operator()), at: CoreFixtures.seconds(3))
        let records = [try #require(old.record(of: waiting)), try #require(old.record(of: deferred))]
        old.forgetHandedOver([waiting, deferred])
        #expect(old.pendingRequests.isEmpty)
        #expect(old.counters.isConserved && old.counters.pending == 0)

        var new = CoreFixtures.core(policy: .ask, timeout: .seconds(60))
        let summary = old.handOverSummary { _ in "127.0.0.1:8080" }
        new.adopt(summary, pending: records, proxied: [], listener: { ListenerID($0) }, names: { _ in "127.0.0.1:8080" }, at: CoreFixtures.seconds(4))
        #expect(new.pendingRequests.map(\.id) == [waiting, deferred])
        #expect(new.request(deferred)?.state == .deferred(until: CoreFixtures.seconds(33)))
        #expect(new.counters.pending == 2 && new.counters.isConserved)
        #expect(new.listeners[0].counters.pending == 2 && new.listeners[0].counters.isConserved)
        let (next, _) = new.queued(port: 40_003, at: CoreFixtures.seconds(5))
        #expect(next == RequestID(3), "IDs go on")
        // The deferral ends when it did, the pending timeout expires when it did.
        _ = new.advance(to: CoreFixtures.seconds(34))
        #expect(new.request(deferred)?.state == .pending)
        let expired = new.advance(to: CoreFixtures.seconds(61.5))
        #expect(expired.actions.contains(.connection(waiting, .reject(.close))))
    }

    @Test("a proxied connection goes on as an open connection: its end is reported by the next core")
    func proxiedConnection() throws {
        var old = CoreFixtures.core(policy: .accept)
        let (queued, _) = old.queued()
        let id = try #require(queued)
        _ = try old.upstreamConnected(id, at: CoreFixtures.seconds(1))
        let record = try #require(old.record(of: id))
        #expect(record.state == .accepted)
        old.forgetHandedOver([id])
        #expect(old.connectionCount == 0)

        var new = CoreFixtures.core(policy: .accept)
        new.adopt(old.handOverSummary { _ in "l" }, pending: [], proxied: [record], listener: { ListenerID($0) }, names: { _ in "l" }, at: CoreFixtures.seconds(2))
        #expect(new.connectionCount == 1)
        #expect(new.counters.accepted == 1 && new.counters.isConserved)
        let closed = new.connectionClosed(id, transferred: Transferred(toUpstream: 5, toClient: 7), at: CoreFixtures.seconds(3))
        #expect(!closed.events.isEmpty, "the closed event of the request handed over")
    }
}
