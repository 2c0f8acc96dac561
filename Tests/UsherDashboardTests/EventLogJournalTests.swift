import Foundation
import Testing
import UsherDashboard
import UsherWire

/// The event log's cursor, its pages back through the daemon's journal, the detail of a finished
/// request, notices and alerts: messages and keys in, screens and actions out.
@Suite("Dashboard: event log, journal, notices", .timeLimit(.minutes(1)))
struct EventLogJournalTests {
    typealias P = Fixture.Pending
    let now = Fixture.now

    static func row(_ number: Int64, state: String = "accepted", by: String? = "rule office", secondsAgo: Double) -> WireJournalRow {
        var row = WireJournalRow(
            number: number, id: "r\(number)", run: Fixture.time(-86_400), listener: "127.0.0.1:8080", peer: "203.0.113.\(number):4000",
            source: nil, local: "127.0.0.1:8080", arrived: Fixture.time(-secondsAgo - 2), ended: Fixture.time(-secondsAgo),
            state: state, policy: "ask",
            outcomes: [WireOutcome(condition: "office", verdict: "accept", reason: "peer in 203.0.113.0/24", at: Fixture.time(-secondsAgo))],
            preview: "GET /old HTTP/1.1␍␊", dataBytes: 40, waitMs: 2000)
        row.decidedBy = by
        row.rule = by == "rule office" ? "office" : nil
        row.reason = "peer in 203.0.113.0/24"
        row.httpRequest = "GET /old HTTP/1.1"
        row.bytesUp = 40
        row.bytesDown = 1200
        row.closed = Fixture.time(-secondsAgo + 1)
        row.connectionMs = 1000
        return row
    }

    /// A dashboard with one live ending in its log (r7 accepted), the focus on the log.
    func withLog() -> Dashboard {
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 7), P(id: 8)]), height: 48)
        _ = dashboard.receive(Fixture.event("accepted", P(id: 7, state: "accepted", decidedBy: "pid 812"), seq: 101), now: now)
        dashboard.settle()
        _ = dashboard.press(.tab, now: now)
        return dashboard
    }

    @Test("Up past the oldest line asks for the journal's page before it; the page goes above, marked as the start")
    func pagesBack() throws {
        var dashboard = withLog()
        let actions = dashboard.press(.up, now: now)
        let request = JournalPageRequest(before: nil, until: Fixture.time(0), limit: 100)
        #expect(actions == [.readJournal(request)])
        #expect(dashboard.render(now: now).text.contains("Events (reading the journal…)"))
        #expect(dashboard.press(.up, now: now).isEmpty, "one page at a time")
        let page = WireJournalPage(rows: [Self.row(41, secondsAgo: 3600), Self.row(42, state: "rejected", by: "alice (uid 1000, pid 9)", secondsAgo: 1800)], more: false)
        _ = dashboard.receive(.journal(page, for: request), now: now)
        let text = dashboard.render(now: now).text
        #expect(text.contains("Events (start of the journal)"))
        let lines = text.split(separator: "\n").map(String.init)
        let old = try #require(lines.firstIndex { $0.contains("r41 accepted by rule office, waited 2s") })
        let older = try #require(lines.firstIndex { $0.contains("r42 rejected by alice (uid 1000, pid 9), waited 2s") })
        let live = try #require(lines.lastIndex { $0.contains("r7 accepted by pid 812") })
        #expect(old < older && older < live, "\(text)")
        #expect(text.contains("2 older requests from the journal"))
        #expect(dashboard.press(.up, now: now).isEmpty && dashboard.press(.up, now: now).isEmpty, "nothing older to ask for")
    }

    @Test("the cursor stays on its line while new lines come; End follows the newest again")
    func cursorStays() {
        var dashboard = withLog()
        _ = dashboard.receive(Fixture.event("accepted", P(id: 8, state: "accepted", decidedBy: "pid 812"), seq: 102), now: now)
        _ = dashboard.press(.up, now: now)
        #expect(dashboard.daemon.logLine(at: dashboard.logCursorIndex).requestID == "r7")
        for id in 9...12 {
            _ = dashboard.receive(Fixture.event("arrived", P(id: id), seq: UInt64(110 + id)), now: now)
        }
        dashboard.settle()
        #expect(dashboard.daemon.logLine(at: dashboard.logCursorIndex).requestID == "r7", "new lines did not move the cursor")
        #expect(dashboard.render(now: now).text.contains("4 newer below"))
        _ = dashboard.press(.end, now: now)
        #expect(dashboard.logCursor == nil && dashboard.daemon.logLine(at: dashboard.logCursorIndex).requestID == "r12")
    }

    @Test("Enter on a finished request's line reads its journal row and shows it; Enter closes it")
    func finishedDetail() {
        var dashboard = withLog()
        #expect(dashboard.press(.enter, now: now) == [.readJournal(JournalPageRequest(request: "r7", limit: 1))])
        #expect(dashboard.render(now: now).text.contains("Reading r7 from the journal…"))
        var row = Self.row(7, secondsAgo: 0)
        row.decidedBy = "pid 812"
        _ = dashboard.receive(.journal(WireJournalPage(rows: [row], more: false), for: JournalPageRequest(request: "r7", limit: 1)), now: now)
        let text = dashboard.render(now: now).text
        #expect(text.contains("r7 ─ accepted ─ from the journal"))
        #expect(text.contains("Decided by pid 812") && text.contains("Why        peer in 203.0.113.0/24"))
        #expect(text.contains("Proxied    40 B up, 1.2 KiB down, open 1s"))
        #expect(text.contains("1 office  accept  peer in 203.0.113.0/24"))
        #expect(text.contains("HTTP GET /old HTTP/1.1"))
        _ = dashboard.press(.enter, now: now)
        #expect(!dashboard.showsDetail && dashboard.finished == nil)
        #expect(dashboard.press(.enter, now: now).isEmpty, "the row is kept: no second read")
    }

    @Test("a request not in the journal yet, a journal that is off, and a pending request say so")
    func missingRows() {
        var dashboard = withLog()
        let byID = JournalPageRequest(request: "r7", limit: 1)
        _ = dashboard.press(.enter, now: now)
        _ = dashboard.receive(.journal(WireJournalPage(rows: [], more: false), for: byID), now: now)
        #expect(dashboard.render(now: now).text.contains("r7 is not in the journal yet"))
        _ = dashboard.press(.enter, now: now)
        _ = dashboard.press(.up, now: now)
        let page = JournalPageRequest(before: nil, until: Fixture.time(0), limit: 100)
        _ = dashboard.receive(.journalFailed("this usher keeps no journal (it runs with --journal none, or could not open it)", for: page), now: now)
        #expect(dashboard.render(now: now).text.contains("this usher keeps no journal"))
        #expect(dashboard.press(.up, now: now).isEmpty, "not asked again")
        _ = dashboard.receive(Fixture.event("arrived", P(id: 9), seq: 102), now: now)
        _ = dashboard.press(.end, now: now)
        #expect(dashboard.press(.enter, now: now).isEmpty)
        #expect(dashboard.render(now: now).text.contains("r9 is still pending"))
    }

    @Test("notices are log lines (a failure in the error colour); alerts are flagged in the header until cleared")
    func noticesAndAlerts() {
        var dashboard = withLog()
        let notice = WireEvent(seq: nil, at: Fixture.time(0), detail: .notice(WireNotice(source: "notify", level: .warning, text: "hook failed for r8: exit 3")))
        _ = dashboard.receive(.event(notice), now: now)
        let frame = dashboard.render(now: now)
        #expect(frame.text.contains("notify hook failed for r8: exit 3"))
        let tick = WireStatsTick(
            counters: dashboard.daemon.counters!, listeners: dashboard.daemon.listeners, connections: 2,
            alerts: [WireAlert(source: "journal", text: "not writing: database or disk is full")])
        _ = dashboard.receive(.event(WireEvent(seq: nil, at: Fixture.time(0), detail: .stats(tick))), now: now)
        let header = dashboard.render(now: now).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("journal: not writing: database or disk is full"))
        var cleared = tick
        cleared.alerts = []
        _ = dashboard.receive(.event(WireEvent(seq: nil, at: Fixture.time(1), detail: .stats(cleared))), now: now)
        #expect(!dashboard.render(now: now).text.contains("not writing"))
    }

    @Test("another daemon behind the socket: what was read from its journal goes, and old lines open nothing")
    func anotherDaemon() {
        var dashboard = withLog()
        let request = JournalPageRequest(before: nil, until: Fixture.time(0), limit: 100)
        _ = dashboard.press(.up, now: now)
        _ = dashboard.receive(.journal(WireJournalPage(rows: [Self.row(41, secondsAgo: 60)], more: true), for: request), now: now)
        #expect(dashboard.daemon.history.entries.count == 1)
        _ = dashboard.receive(DashboardInput.hello(WireHello(protocol: 1, version: "0.1.0", pid: 4411, uptimeMs: 70_000, role: .operator)), now: now)
        #expect(dashboard.daemon.history.entries.count == 1, "the same daemon, connected again")
        _ = dashboard.receive(DashboardInput.hello(WireHello(protocol: 1, version: "0.1.0", pid: 5000, uptimeMs: 10, role: .operator)), now: now)
        #expect(dashboard.daemon.history.entries.isEmpty && dashboard.logCursor == nil)
        #expect(dashboard.press(.enter, now: now).isEmpty, "r7 of the old daemon is not read from the new one's journal")
    }
}
