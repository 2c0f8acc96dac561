import Foundation
import Testing
import UsherWire
import UsherDashboard
import UsherTestSupport

/// Every pane and state of the dashboard as text; record with `USHER_RECORD_SNAPSHOTS=1`.
@Suite("Dashboard screens", .timeLimit(.minutes(1)))
struct ScreenSnapshotTests {
    typealias P = Fixture.Pending

    static let mixed: [P] = [
        P(id: 1187, peer: "203.0.113.7:51234", age: 12.4, timeout: 47.6,
          data: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]),
        P(id: 1190, peer: "198.51.100.22:40110", age: 8.1, timeout: 51.9),
        P(id: 1191, peer: "198.51.100.22:40112", age: 7.9, timeout: 52.1, data: []),
        P(id: 1192, peer: "192.0.2.40:33817", age: 2.0, timeout: 28, state: "deferred",
          outcomes: [("policy", "ask", "--policy ask: waiting for an operator"), ("operator", "defer 30s", "pid 4411")], deferredFor: 28),
        P(id: 1195, peer: "[2001:db8::5]:49152", listener: 1, age: 0.3, timeout: 59.7,
          data: Array("PING\r\n".utf8)),
    ]

    func check(_ canvas: Canvas, _ name: String, filePath: String = #filePath) throws {
        let result = try TextSnapshot.check(canvas.text + "\n", named: name, filePath: filePath)
        #expect(result == .matches, "\(result)")
    }

    @Test("empty: waiting for the first client")
    func empty() throws {
        try check(Fixture.dashboard(Fixture.snapshot([])).render(now: Fixture.now), "empty-120x32")
    }

    @Test("one pending request")
    func onePending() throws {
        let dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1)]))
        try check(dashboard.render(now: Fixture.now), "one-pending-120x32")
    }

    @Test("the selected request left: its place says why, between its neighbours, at 80x24")
    func departed() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1), P(id: 2, age: 1.5), P(id: 3, age: 1)]), width: 80, height: 24)
        _ = dashboard.press(.down, now: Fixture.now)
        _ = dashboard.receive(Fixture.event("accepted", P(id: 2, state: "accepted", decidedBy: "pid 812"), seq: 101), now: Fixture.now)
        dashboard.settle()
        _ = dashboard.press(.character("a"), now: Fixture.now.addingTimeInterval(1))
        try check(dashboard.render(now: Fixture.now.addingTimeInterval(1)), "departed-80x24")
    }

    @Test("mixed requests on two listeners, with events, at 80x24")
    func small() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed, listeners: 2), width: 80, height: 24)
        _ = dashboard.receive(Fixture.event("accepted", P(id: 1186, age: 3.2, state: "accepted"), seq: 101), now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "mixed-80x24")
    }

    @Test("mixed requests at 200x50")
    func large() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed, listeners: 2), width: 200, height: 50)
        _ = dashboard.receive(Fixture.event("withdrawn", P(id: 1184, age: 3.2, state: "withdrawn"), seq: 101), now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "mixed-200x50")
    }

    @Test("257 pending at the minimum 60x15: every number whole, cut text ends in …, the selected row's LEFT keeps its urgency")
    func minimum() throws {
        let requests = (1...257).map { P(id: 10_000 + $0, peer: Fixture.peer($0), age: Double(300 - $0), timeout: $0 == 1 ? 3 : Double($0)) }
        let dashboard = Fixture.dashboard(Fixture.snapshot(requests, arrived: 123_456), width: 60, height: 15)
        let canvas = dashboard.render(now: Fixture.now)
        let text = canvas.text
        #expect(text.contains("257/10000"), "the pending count is whole")
        #expect(text.contains("pend 257"), "the counters' last number is whole")
        #expect(text.contains("123,456"))
        try check(canvas, "minimum-60x15")
        let row = try #require((0..<canvas.height).first { canvas.line($0).contains("r10001") })
        let selected = (0..<canvas.width).map { canvas[$0, row].slot }
        #expect(selected.contains(.rowSelectedUrgent), "LEFT is 3s: urgent on the selection bar")
        #expect(!selected.dropFirst().dropLast().contains { ![.rowSelected, .rowSelectedUrgent].contains($0) }, "no gap in the bar")
    }

    @Test("500 pending, scrolled to the 300th")
    func scrolled() throws {
        let requests = (1...500).map { P(id: $0, peer: Fixture.peer($0), age: Double(600 - $0) / 10, timeout: Double($0) / 10) }
        var dashboard = Fixture.dashboard(Fixture.snapshot(requests), width: 120, height: 32)
        for _ in 0..<299 { _ = dashboard.press(.down, now: Fixture.now) }
        #expect(dashboard.selectedID == "r300")
        try check(dashboard.render(now: Fixture.now), "scrolled-500")
    }

    @Test("detail of a request with binary caller data")
    func detail() throws {
        var data: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]
        data += Array("\u{0}\u{0}\u{18}api.example.com".utf8) + (0..<40).map { UInt8($0 * 7 % 256) }
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 7, peer: "203.0.113.7:51234", data: data)]))
        _ = dashboard.press(.enter, now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "detail-binary")
    }

    @Test("detail beside the events on a wide screen")
    func wideDetail() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed, listeners: 2), width: 200, height: 50)
        _ = dashboard.press(.down, now: Fixture.now)
        _ = dashboard.press(.enter, now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "detail-200x50")
    }

    @Test("help overlay")
    func help() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed))
        _ = dashboard.press(.character("?"), now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "help")
    }

    @Test("filter being typed, tags, and a confirmation")
    func filterAndTags() throws {
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed, listeners: 2))
        for key in "/198.51.100.0/24" { _ = dashboard.press(.character(key), now: Fixture.now) }
        try check(dashboard.render(now: Fixture.now), "filter-typing")
        _ = dashboard.press(.enter, now: Fixture.now)
        _ = dashboard.press(.character(" "), now: Fixture.now)
        _ = dashboard.press(.character(" "), now: Fixture.now)
        _ = dashboard.press(.character("A"), now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "filter-tagged-confirm")
    }

    @Test("ASCII line drawing")
    func ascii() throws {
        let dashboard = Fixture.dashboard(
            Fixture.snapshot(Self.mixed), width: 100, height: 24, options: DashboardOptions(lineDrawing: .ascii))
        try check(dashboard.render(now: Fixture.now), "ascii-100x24")
    }

    @Test("mono theme: attributes only")
    func mono() throws {
        let theme = try #require(BuiltInThemes.theme(named: "mono"))
        #expect(theme.isMonochrome)
        var dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed), width: 100, height: 24)
        _ = dashboard.press(.character(" "), now: Fixture.now)
        let canvas = dashboard.render(now: Fixture.now)
        try check(Self.attributeMap(canvas, theme: theme), "mono-attributes")
    }

    @Test("a terminal below the minimum says so")
    func tooSmall() throws {
        let dashboard = Fixture.dashboard(Fixture.snapshot(Self.mixed), width: 50, height: 12)
        try check(dashboard.render(now: Fixture.now), "too-small")
    }

    /// One character per cell for its attributes: `.` none, `B` bold, `R` reverse, `U`
    /// underline, `D` dim, `X` bold and reverse.
    static func attributeMap(_ canvas: Canvas, theme: Theme) -> Canvas {
        var map = Canvas(width: canvas.width, height: canvas.height)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let attributes = theme.style(canvas[x, y].slot).attributes
                let mark: Character = switch attributes {
                case []: "."
                case [.bold]: "B"
                case [.reverse]: "R"
                case [.underline]: "U"
                case [.dim]: "D"
                case [.bold, .reverse]: "X"
                default: "+"
                }
                map.put(String(mark), x: x, y: y, slot: .normal)
            }
        }
        return map
    }
}

@Suite("Dashboard screens: host listeners", .timeLimit(.minutes(1)))
struct HostListenersScreenTests {
    func check(_ canvas: Canvas, _ name: String, filePath: String = #filePath) throws {
        let result = try TextSnapshot.check(canvas.text + "\n", named: name, filePath: filePath)
        #expect(result == .matches, "\(result)")
    }

    private func dashboard(width: Int = 120, height: Int = 32) -> Dashboard {
        Fixture.dashboard(
            Fixture.snapshot([Fixture.Pending(id: 1)], host: Fixture.hostSockets, kernelDepth: 3), width: width,
            height: height, options: DashboardOptions(showsHost: true))
    }

    @Test("the host's listeners, deepest first, the full one marked; the kernel queue in the header")
    func pane() throws {
        try check(dashboard().render(now: Fixture.now), "host-listeners-120x32")
    }

    @Test("narrow: the gauge and the graph give way to the process")
    func narrow() throws {
        try check(dashboard(width: 80, height: 24).render(now: Fixture.now), "host-listeners-80x24")
    }

    @Test("Enter shows the processes holding the selected listener")
    func processes() throws {
        var dashboard = dashboard()
        _ = dashboard.press(.enter, now: Fixture.now)
        try check(dashboard.render(now: Fixture.now), "host-listener-processes")
    }
}
