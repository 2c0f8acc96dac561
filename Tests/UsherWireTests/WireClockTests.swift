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
            #expect(WireClock.parse(text).map { abs($0.timeIntervalSince(date)) < 0.001 } == true)
        }
        #expect(WireClock.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
