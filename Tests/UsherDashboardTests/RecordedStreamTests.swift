import Foundation
import Testing
import UsherDashboard
import UsherWire
import UsherTestSupport

/// Screens from recorded event streams (`usher top --record`): a real daemon's lines, played
/// into the dashboard as a replay would, drawn at moments of the recording.
@Suite("Recorded streams", .timeLimit(.minutes(1)))
struct RecordedStreamTests {
    /// The entries of `__Recordings__/NAME.rec`.
    static func entries(_ name: String, filePath: String = #filePath) throws -> [(at: Date, input: DashboardInput)] {
        let path = (filePath as NSString).deletingLastPathComponent + "/__Recordings__/\(name).rec"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try Recording.checkHeader(Array(lines[0].utf8))
        return try lines.dropFirst().enumerated().map { index, line in try Recording.entry(Array(line.utf8), number: index + 2) }
    }

    /// The dashboard after every entry up to and including the first for which `until` holds.
    static func played(
        _ entries: [(at: Date, input: DashboardInput)], until: ((at: Date, input: DashboardInput)) -> Bool = { _ in false }
    ) -> (Dashboard, Date) {
        var options = DashboardOptions(clockFace: .utc)
        options.readOnly = true
        options.replaying = "replay of three-clients.rec"
        var dashboard = Dashboard(width: 110, height: 30, options: options)
        var now = entries.first?.at ?? Date()
        for entry in entries {
            now = entry.at
            _ = dashboard.receive(entry.input, now: now)
            dashboard.settle()
            if until(entry) { break }
        }
        dashboard.tick(now: now)
        return (dashboard, now)
    }

    @Test("three clients: two pending with their caller data, one withdrawn, before the operator decides")
    func beforeTheDecision() throws {
        let entries = try Self.entries("three-clients")
        let (dashboard, now) = Self.played(entries) { entry in
            if case .message(.event(let event)) = entry.input { return event.kind == .withdrawn }
            return false
        }
        let text = dashboard.render(now: now).text
        #expect(text.contains("GET /one HTTP/1.1") && text.contains("GET /two") && text.contains("shop.example"))
        let result = try TextSnapshot.check(text + "\n", named: "recorded-before-decision")
        #expect(result == .matches, "\(result)")
    }

    @Test("the end of the recording: r1 accepted by its operator, the counters add up")
    func end() throws {
        let (dashboard, now) = Self.played(try Self.entries("three-clients"))
        let text = dashboard.render(now: now).text
        #expect(text.contains("accepted by root (uid 0, pid"))
        #expect(dashboard.daemon.counters?.conserved == true)
        let result = try TextSnapshot.check(text + "\n", named: "recorded-end")
        #expect(result == .matches, "\(result)")
    }
}
