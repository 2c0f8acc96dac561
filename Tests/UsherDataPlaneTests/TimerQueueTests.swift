import Testing
import UsherDataPlane

/// The loop's timers without a clock: instants are plain integers.
@Suite("A loop's timer queue")
struct TimerQueueTests {
    /// What the tasks of one test did, in order.
    private final class Log {
        var entries: [String] = []
        func task(_ name: String) -> () -> Void { { [self] in entries.append(name) } }
    }

    /// Runs every task due at `now`; what they logged.
    private func run(_ timers: inout TimerQueue<Int>, at now: Int, _ log: Log) -> [String] {
        log.entries = []
        while let task = timers.popDue(at: now) { task() }
        return log.entries
    }

    @Test("due tasks run in the order they are due, ties in the order scheduled, whichever queue holds them")
    func order() {
        var timers = TimerQueue<Int>()
        let log = Log()
        for (due, name) in [(10, "a"), (20, "b"), (5, "early"), (20, "b2"), (15, "middle"), (30, "c")] {
            _ = timers.schedule(at: due, log.task(name))
        }
        #expect(timers.nextDue() == 5)
        #expect(run(&timers, at: 4, log) == [])
        #expect(run(&timers, at: 20, log) == ["early", "a", "middle", "b", "b2"])
        #expect(timers.nextDue() == 30 && timers.count == 1)
        #expect(run(&timers, at: 100, log) == ["c"])
        #expect(timers.nextDue() == nil && timers.count == 0)
    }

    @Test("a cancelled timer never runs and lets go of its task; a reused slot's new timer is not cancelled by the old ID")
    func cancelling() {
        final class Held {}
        var timers = TimerQueue<Int>()
        let log = Log()
        var held: Held? = Held()
        weak let watched = held
        let first = timers.schedule(at: 10) { [held] in _ = held; log.entries.append("first") }
        held = nil
        timers.cancel(first)
        #expect(watched == nil, "what the cancelled task captured is freed at once")
        let second = timers.schedule(at: 10, log.task("second"))
        timers.cancel(first)
        #expect(timers.count == 1, "the old ID does not cancel the timer that reuses its slot")
        #expect(run(&timers, at: 10, log) == ["second"])
        timers.cancel(second)
        #expect(timers.count == 0)
    }

    @Test("10,000 timers of one length, nearly all cancelled: those left run, in order")
    func manyCancelled() {
        var timers = TimerQueue<Int>()
        let log = Log()
        var kept: [String] = []
        for index in 0..<10_000 {
            let name = "t\(index)"
            let id = timers.schedule(at: index, log.task(name))
            if index % 1000 == 999 { kept.append(name) } else { timers.cancel(id) }
        }
        #expect(timers.count == 10)
        #expect(timers.nextDue() == 999)
        #expect(run(&timers, at: 10_000, log) == kept)
    }

    @Test("a task may schedule another; one that is due already runs in the same pass")
    func scheduleFromTask() {
        var timers = TimerQueue<Int>()
        let log = Log()
        _ = timers.schedule(at: 1, log.task("one"))
        var scheduledMore = false
        while let task = timers.popDue(at: 5) {
            task()
            if !scheduledMore { _ = timers.schedule(at: 3, log.task("three")) }
            scheduledMore = true
        }
        #expect(log.entries == ["one", "three"])
    }
}
