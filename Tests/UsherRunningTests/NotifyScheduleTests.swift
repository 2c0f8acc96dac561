import Testing
import UsherCore
@testable import usher

/// When `--notify` runs, without processes: the rate, one run at a time, the rest counted in.
@Suite("Notify schedule")
struct NotifyScheduleTests {
    static func request(_ sequence: UInt64) -> Request {
        Request(
            id: RequestID(sequence), listener: ListenerID(0), peer: Endpoint(host: "192.0.2.1", port: 1),
            local: Endpoint(host: "127.0.0.1", port: 8080), arrivedAt: .zero)
    }

    static func at(_ seconds: Double) -> Moment { Moment(nanoseconds: UInt64(seconds * 1e9)) }

    @Test("1/5s: the first runs at once; the next two wait and go as one run with waiting 2, once the first ended and 5 s passed")
    func coalesces() {
        var schedule = NotifySchedule(rate: NotifyRate(count: 1, period: .seconds(5)))
        #expect(schedule.asked(Self.request(1), at: Self.at(1)) == .run(Self.request(1), waiting: 1))
        #expect(schedule.asked(Self.request(2), at: Self.at(2)) == .nothing, "the first still runs")
        #expect(schedule.finished(at: Self.at(2.5)) == .wake(at: Self.at(6)))
        #expect(schedule.asked(Self.request(3), at: Self.at(3)) == .nothing, "one wake-up is already set")
        #expect(schedule.woke(at: Self.at(6)) == .run(Self.request(3), waiting: 2))
        #expect(schedule.finished(at: Self.at(7)) == .nothing, "nobody waits")
        #expect(schedule.asked(Self.request(4), at: Self.at(12)) == .run(Self.request(4), waiting: 1))
    }

    @Test("3/1s: three runs may start within a second, one at a time")
    func severalPerPeriod() {
        var schedule = NotifySchedule(rate: NotifyRate(count: 3, period: .seconds(1)))
        var runs = 0
        for index in 1...5 {
            if case .run = schedule.asked(Self.request(UInt64(index)), at: Self.at(0.1 * Double(index))) { runs += 1 }
            if case .run = schedule.finished(at: Self.at(0.1 * Double(index) + 0.01)) { runs += 1 }
        }
        #expect(runs == 3)
    }

    @Test("commands split as a shell would, without one", arguments: [
        ("notify-send usher", ["notify-send", "usher"]),
        (#"sh -c "echo $USHER_ID >> /tmp/x""#, ["sh", "-c", "echo $USHER_ID >> /tmp/x"]),
        (#"a 'b c' d\ e"#, ["a", "b c", "d e"]),
        (#"'' x"#, ["", "x"]),
    ])
    func words(text: String, words: [String]) throws {
        #expect(try NotifyCommand(text).words == words)
    }

    @Test("bad commands and rates are clear errors")
    func errors() {
        #expect(throws: NotifyCommand.ParseError.self) { try NotifyCommand("a 'b") }
        #expect(throws: NotifyCommand.ParseError.self) { try NotifyCommand("   ") }
        #expect(throws: (any Error).self) { try NotifyRate("5s") }
        #expect(throws: (any Error).self) { try NotifyRate("0/5s") }
        #expect((try? NotifyRate("10/1m")) == NotifyRate(count: 10, period: .seconds(60)))
    }
}
