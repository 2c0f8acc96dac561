import Foundation
import Testing
import UsherTestSupport
import UsherWire

/// Wire times: RFC 3339 in UTC with milliseconds, written without a shared formatter.
@Suite("Control protocol: times")
struct WireClockTests {
    @Test("10,000 random times are written as Foundation's ISO 8601 style writes them, and read back")
    func sameAsFoundation() {
        var random = SeededRandom("WireClockTests.sameAsFoundation")
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for _ in 0..<10_000 {
            let date = Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000_000) / 1000 + Double(random.next() % 1000) / 1e6)
            let text = WireClock.format(date)
            #expect(text == style.format(date), "\(date.timeIntervalSince1970)")
            // Cut to the millisecond, and a double's error on top when the fraction is taken:
            // back within two milliseconds, never later than the time itself.
            #expect(WireClock.parse(text).map { date.timeIntervalSince($0) > -0.000_001 && date.timeIntervalSince($0) < 0.002 } == true, "\(text)")
        }
        #expect(WireClock.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
