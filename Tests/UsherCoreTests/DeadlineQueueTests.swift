import Testing
@testable import UsherCore

@Suite("Timers", .timeLimit(.minutes(1)))
struct DeadlineQueueTests {
    @Test("timers of quickly decided requests do not pile up")
    func staleTimersAreDropped() throws {
        var core = CoreFixtures.core(policy: .accept, timeout: .seconds(60))
        for index in 0..<10_000 {
            let now = Moment(nanoseconds: UInt64(index) * 100_000)
            let id = try #require(core.queued(port: index, at: now).0)
            _ = try core.upstreamConnected(id, at: now)
        }
        #expect(core.timerCount <= 2, "\(core.timerCount) timers for 0 pending requests")
        #expect(core.counters.accepted == 10_000)
    }

    @Test("deferrals and timeouts fire in deadline order")
    func order() throws {
        var core = CoreFixtures.core(timeout: .seconds(10))
        let first = try #require(core.queued(port: 1, at: .zero).0)
        let second = try #require(core.queued(port: 2, at: CoreFixtures.seconds(1)).0)
        _ = try core.decide(second, .deferral(.seconds(2)), by: .policy, at: CoreFixtures.seconds(1))
        #expect(core.nextDeadline == CoreFixtures.seconds(3))
        #expect(core.advance(to: CoreFixtures.seconds(3)).requestEventKinds == [.undeferred])
        #expect(core.nextDeadline == CoreFixtures.seconds(10))
        let expired = core.advance(to: CoreFixtures.seconds(11))
        #expect(expired.actions == [.connection(first, .reject(.close)), .connection(second, .reject(.close))])
    }
}
