import Foundation
import Testing
import UsherWire
import UsherDashboard

@Suite("Dashboard keys and messages", .timeLimit(.minutes(1)))
struct DashboardBehaviourTests {
    typealias P = Fixture.Pending
    let now = Fixture.now

    func three() -> Dashboard {
        Fixture.dashboard(Fixture.snapshot([
            P(id: 1, peer: "203.0.113.7:1000", age: 9),
            P(id: 2, peer: "198.51.100.2:2000", listener: 1, age: 5),
            P(id: 3, peer: "198.51.100.3:3000", age: 1, data: Array("SSH-2.0-OpenSSH\r\n".utf8)),
        ], listeners: 2))
    }

    @Test("the focused pane is marked in its title; Tab moves the mark")
    func focusMark() {
        var dashboard = three()
        var text = dashboard.render(now: now).text
        #expect(text.contains("▶ Pending (3)") && !text.contains("▶ Events"))
        _ = dashboard.press(.tab, now: now)
        text = dashboard.render(now: now).text
        #expect(text.contains("▶ Events") && !text.contains("▶ Pending"))
    }

    @Test("a, r, R and d decide the selected request")
    func decisionKeys() {
        var dashboard = three()
        #expect(dashboard.selectedID == "r1")
        #expect(dashboard.press(.character("a"), now: now) == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))])
        _ = dashboard.press(.down, now: now)
        #expect(dashboard.press(.character("r"), now: now)
            == [.decide(DecideOperation(ids: ["r2"], selector: nil, decision: .reject(mode: .close, message: nil)))])
        #expect(dashboard.press(.function(8), now: now)
            == [.decide(DecideOperation(ids: ["r2"], selector: nil, decision: .reject(mode: .reset, message: nil)))])
        #expect(dashboard.press(.character("d"), now: now).isEmpty)
        #expect(dashboard.prompt == .deferral(text: "30s", ids: ["r2"], proposed: true))
        _ = dashboard.press(.backspace, now: now)
        _ = dashboard.press(.control("u"), now: now)
        _ = dashboard.press(.character("5"), now: now)
        _ = dashboard.press(.character("s"), now: now)
        #expect(dashboard.press(.enter, now: now)
            == [.decide(DecideOperation(ids: ["r2"], selector: nil, decision: .deferral(.seconds(5))))])
        #expect(dashboard.prompt == nil)
    }

    @Test("typing replaces the proposed deferral; Enter keeps it")
    func deferralReplacesProposal() {
        var dashboard = three()
        _ = dashboard.press(.character("d"), now: now)
        for key in "20s" { _ = dashboard.press(.character(key), now: now) }
        #expect(dashboard.prompt == .deferral(text: "20s", ids: ["r1"], proposed: false), "not 30s20s")
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .deferral(.seconds(20))))])
        _ = dashboard.press(.character("d"), now: now)
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .deferral(.seconds(30))))])
    }

    @Test("a deferral longer than the time left says so, and moves the timeout back")
    func deferralExtendsTimeout() {
        var dashboard = three()
        _ = dashboard.press(.character("d"), now: now)
        for key in "5m" { _ = dashboard.press(.character(key), now: now) }
        let bar = dashboard.render(now: now).text.split(separator: "\n").last ?? ""
        #expect(bar.contains("Defer r1 for: 5m_  longer than the 58s r1 has left: its timeout moves back 5m"), "\(bar)")
        #expect(dashboard.press(.enter, now: now)
            == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .deferral(.seconds(300)), extendsTimeout: true))])
    }

    @Test("a bad deferral is refused on the status line")
    func badDeferral() {
        var dashboard = three()
        _ = dashboard.press(.character("d"), now: now)
        for key in "3x" { _ = dashboard.press(.character(key), now: now) }
        #expect(dashboard.press(.enter, now: now).isEmpty)
        #expect(dashboard.status?.isError == true)
        #expect(dashboard.status?.text.contains("'3x'") == true, "\(dashboard.status?.text ?? "")")
    }

    @Test("the selection stays on its request when rows come and go")
    func selectionIsStable() {
        var dashboard = three()
        _ = dashboard.press(.down, now: now)
        #expect(dashboard.selectedID == "r2")
        _ = dashboard.receive(Fixture.event("arrived", P(id: 4, age: 0), seq: 101), now: now)
        _ = dashboard.receive(Fixture.event("withdrawn", P(id: 1, state: "withdrawn"), seq: 102), now: now)
        dashboard.settle()
        #expect(dashboard.selectedID == "r2")
        #expect(dashboard.daemon.rows.keys.elementsEqual(["r2", "r3", "r4"]))
    }

    @Test("when the selected request leaves, its place says why; keys there decide nothing; a move picks a neighbour")
    func departedSelection() throws {
        var dashboard = three()
        _ = dashboard.press(.down, now: now)
        _ = dashboard.receive(Fixture.event("withdrawn", P(id: 2, state: "withdrawn"), seq: 101), now: now)
        dashboard.settle()
        #expect(dashboard.selectedID == nil)
        #expect(dashboard.departed?.text == "r2 withdrawn by its client")
        let later = now.addingTimeInterval(1)
        for key in [Key.character("a"), .character("r"), .function(8), .character("d"), .character("m")] {
            #expect(dashboard.press(key, now: later).isEmpty, "\(key) decides nothing")
        }
        #expect(dashboard.prompt == nil && dashboard.dialog == nil)
        #expect(dashboard.status?.text == "r2 withdrawn by its client: nothing decided; move to choose a request")
        let screen = dashboard.render(now: later).text
        #expect(screen.contains("▶ r2 withdrawn by its client · ↑↓ to choose another request"), "\(screen)")
        let lines = screen.split(separator: "\n")
        let row1 = try #require(lines.firstIndex { $0.contains(" r1 ") })
        #expect(lines[row1 + 1].contains("r2 withdrawn"), "in its place, between r1 and r3")
        #expect(lines[row1 + 2].contains(" r3 "))

        var down = dashboard
        _ = down.press(.down, now: later)
        #expect(down.selectedID == "r3" && down.departed == nil)
        #expect(down.press(.character("a"), now: later) == [.decide(DecideOperation(ids: ["r3"], selector: nil, decision: .accept))])
        _ = dashboard.press(.up, now: later)
        #expect(dashboard.selectedID == "r1")
    }

    @Test("the place of a request another operator decided names them")
    func departedByOperator() {
        var dashboard = three()
        _ = dashboard.receive(Fixture.event("accepted", P(id: 1, state: "accepted", decidedBy: "pid 812"), seq: 101), now: now)
        dashboard.settle()
        #expect(dashboard.departed?.text == "r1 accepted by pid 812")
        _ = dashboard.receive(Fixture.event("arrived", P(id: 4, age: 0), seq: 102), now: now)
        dashboard.settle()
        #expect(dashboard.departed?.text == "r1 accepted by pid 812", "arrivals do not move the cursor off it")
        #expect(dashboard.tableLines().first == .departed(dashboard.departed!))
    }

    @Test("decision keys wait 300 ms after the line under the cursor changed, with a flash")
    func decisionPause() {
        var dashboard = three()
        let deferred = P(id: 1, state: "deferred", deferredFor: 30, decidedBy: "pid 812")
        _ = dashboard.receive(Fixture.event("deferred", deferred, seq: 101, extra: ["until": Fixture.time(30)]), now: now)
        dashboard.settle()
        #expect(dashboard.press(.character("a"), now: now.addingTimeInterval(0.1)) == [.flash])
        #expect(dashboard.status?.text == "the line under the cursor just changed: look again, then press")
        #expect(dashboard.press(.character("a"), now: now.addingTimeInterval(0.31))
            == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))])

        var empty = Fixture.dashboard(Fixture.snapshot([]))
        _ = empty.receive(Fixture.event("arrived", P(id: 1, age: 0), seq: 101), now: now)
        empty.settle()
        #expect(empty.selectedID == "r1")
        #expect(empty.press(.character("a"), now: now.addingTimeInterval(0.2)) == [.flash], "a request that just appeared")
        #expect(empty.press(.up, now: now.addingTimeInterval(0.2)).isEmpty, "moves are never held back")
        #expect(empty.press(.character("a"), now: now.addingTimeInterval(0.2))
            == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))], "the operator's own move chose the line")
    }

    @Test("rows that arrive above the view leave it still and show as N new ↑")
    func arrivalsAbove() {
        var dashboard = Fixture.dashboard(Fixture.snapshot((1...40).map { P(id: $0, age: Double(100 - $0)) }), height: 24)
        _ = dashboard.press(.character("S"), now: now)
        _ = dashboard.press(.pageDown, now: now)
        _ = dashboard.press(.pageDown, now: now)
        let scroll = dashboard.scroll
        let selected = dashboard.selectedID
        #expect(scroll > 0)
        for id in 41...43 {
            _ = dashboard.receive(Fixture.event("arrived", P(id: id, age: 0), seq: UInt64(100 + id)), now: now)
        }
        dashboard.settle()
        #expect(dashboard.scroll == scroll + 3, "the same rows stay in view")
        #expect(dashboard.selectedID == selected)
        #expect(dashboard.unseenAbove.count == 3)
        #expect(dashboard.render(now: now).text.contains("3 new ↑"))
        _ = dashboard.press(.home, now: now)
        #expect(dashboard.unseenAbove.isEmpty)
    }

    @Test("behind the too-small screen nothing is decided: a bulk question is withdrawn, keys do nothing, q still asks")
    func tooSmall() {
        var options = DashboardOptions()
        options.quitWarning = "get the timeout action"
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1), P(id: 2), P(id: 3)]), options: options)
        _ = dashboard.press(.character("A"), now: now)
        #expect(dashboard.prompt != nil, "accept all asks")
        dashboard.resize(width: 40, height: 10)
        #expect(dashboard.prompt == nil, "the question about requests no longer shown is withdrawn")
        for key in [Key.character("y"), .character("a"), .character("A"), .character("X"), .function(8), .character("r"),
                    .character("d"), .character("m"), .character(" "), .enter, .down] {
            #expect(dashboard.press(key, now: now).isEmpty, "\(key)")
        }
        #expect(dashboard.prompt == nil && dashboard.dialog == nil && dashboard.tagged.isEmpty)
        #expect(dashboard.press(.character("q"), now: now).isEmpty)
        #expect(dashboard.render(now: now).text.contains("Quit? 3 pending requests"))
        #expect(dashboard.press(.character("y"), now: now) == [.quit])
    }

    @Test("Ctrl-C asks what q asks; a second Ctrl-C within 2 s quits; Ctrl-Z is refused where the gate would stop")
    func interruptAndSuspend() {
        var options = DashboardOptions()
        options.quitWarning = "get the timeout action"
        options.suspendRefusal = "Ctrl-Z would stop the gate"
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), options: options)
        #expect(dashboard.press(.control("c"), now: now).isEmpty)
        #expect(dashboard.prompt?.asksToQuit == true)
        #expect(dashboard.press(.character("n"), now: now).isEmpty && dashboard.prompt == nil)
        _ = dashboard.press(.control("c"), now: now)
        #expect(dashboard.press(.control("c"), now: now.addingTimeInterval(3)).isEmpty, "too late to count as the second")
        #expect(dashboard.press(.control("c"), now: now.addingTimeInterval(4)) == [.quit])
        var run = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), options: options)
        #expect(run.press(.control("z"), now: now) == [.flash])
        #expect(run.status?.text == "Ctrl-Z would stop the gate")

        var top = Fixture.dashboard(Fixture.snapshot([P(id: 1)]))
        #expect(top.press(.control("z"), now: now) == [.suspend])
        #expect(top.press(.control("\\"), now: now) == [.quit], "usher top holds nothing: it quits at once")
    }

    @Test("the help scrolls where the screen is too short for it; any other key closes it")
    func helpScrolls() {
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), width: 80, height: 24)
        _ = dashboard.press(.character("?"), now: now)
        #expect(!dashboard.render(now: now).text.contains("arrived = accepted + rejected"))
        _ = dashboard.press(.end, now: now)
        let screen = dashboard.render(now: now).text
        #expect(screen.contains("arrived = accepted + rejected") && screen.contains(" · ↑↓ PgUp PgDn scroll"), "\(screen)")
        _ = dashboard.press(.character("x"), now: now)
        #expect(!dashboard.showsHelp && dashboard.helpScroll == 0)
    }

    @Test("read-only (--read-only, or an observer): no decision or tag key is shown, and pressed they say why")
    func readOnly() {
        var options = DashboardOptions()
        options.readOnly = true
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), options: options)
        let screen = dashboard.render(now: now).text
        let bar = screen.split(separator: "\n").last ?? ""
        for word in ["Accept", "Reject", "Reset", "Defer", "Remember", "Tag", "All"] {
            #expect(!bar.contains(word), "\(word) in \(bar)")
        }
        #expect(bar.contains("Filter") && bar.contains("Quit"))
        #expect(screen.contains("read-only"))
        #expect(dashboard.press(.character("a"), now: now).isEmpty)
        #expect(dashboard.status?.text == "read-only (--read-only): this dashboard decides nothing")
        _ = dashboard.press(.character("?"), now: now)
        let help = dashboard.render(now: now).text
        #expect(!help.contains("accept the selected request") && help.contains("filter by peer"))

        var observer = Fixture.dashboard(Fixture.snapshot([P(id: 1)]))
        observer.receive(hello: WireHello(protocol: 1, version: "0.1.0", pid: 4411, uptimeMs: 1, role: .observer))
        #expect(!(observer.render(now: now).text.split(separator: "\n").last ?? "").contains("Accept"))
    }

    @Test("events already in the snapshot are ignored")
    func oldEventsIgnored() {
        var dashboard = three()
        _ = dashboard.receive(Fixture.event("accepted", P(id: 1, state: "accepted"), seq: 100), now: now)
        #expect(dashboard.daemon.rows.count == 3)
    }

    @Test("a new request rings the bell once a second at most, never with --no-bell")
    func bell() {
        var dashboard = three()
        #expect(dashboard.receive(Fixture.event("arrived", P(id: 4), seq: 101), now: now) == [.bell])
        #expect(dashboard.receive(Fixture.event("arrived", P(id: 5), seq: 102), now: now).isEmpty)
        #expect(dashboard.receive(Fixture.event("arrived", P(id: 6), seq: 103), now: now.addingTimeInterval(1.5)) == [.bell])
        var quiet = Fixture.dashboard(Fixture.snapshot([]), options: DashboardOptions(bell: false))
        #expect(quiet.receive(Fixture.event("arrived", P(id: 1), seq: 101), now: now).isEmpty)
    }

    @Test("tags, then A asks before accepting every tagged request")
    func bulkOnTags() {
        var dashboard = three()
        _ = dashboard.press(.character(" "), now: now)
        _ = dashboard.press(.down, now: now)
        _ = dashboard.press(.character(" "), now: now)
        #expect(dashboard.tagged == ["r1", "r3"])
        #expect(dashboard.press(.character("A"), now: now).isEmpty)
        guard case .confirm(let confirmation) = dashboard.prompt else { return #expect(Bool(false)) }
        #expect(confirmation.question == "Accept 2 tagged requests (r1, r3)?")
        #expect(dashboard.press(.character("y"), now: now)
            == [.decide(DecideOperation(ids: ["r1", "r3"], selector: nil, decision: .accept))])
        dashboard.receive(results: [WireDecision(request: "r1", ok: true, state: "accepted"),
                                    WireDecision(request: "r3", ok: false, error: "r3: already rejected by pid 9")], now: now)
        #expect(dashboard.tagged == ["r3"])
        #expect(dashboard.status == StatusMessage("r3: already rejected by pid 9", isError: true))
    }

    @Test("X with a filter rejects what the filter shows, after n cancels nothing happens")
    func bulkOnFilter() {
        var dashboard = three()
        for key in "/198.51" { _ = dashboard.press(.character(key), now: now) }
        _ = dashboard.press(.enter, now: now)
        #expect(dashboard.visibleRows().map(\.id) == ["r2", "r3"])
        _ = dashboard.press(.character("X"), now: now)
        #expect(dashboard.press(.character("n"), now: now).isEmpty)
        _ = dashboard.press(.character("X"), now: now)
        #expect(dashboard.press(.character("y"), now: now)
            == [.decide(DecideOperation(ids: ["r2", "r3"], selector: nil, decision: .reject(mode: .close, message: nil)))])
    }

    @Test("a decision on a request the filter hides asks first, naming it; Enter is no")
    func hiddenAsks() {
        var dashboard = three()
        _ = dashboard.press(.character(" "), now: now)
        #expect(dashboard.tagged == ["r1"])
        for key in "/198.51" { _ = dashboard.press(.character(key), now: now) }
        _ = dashboard.press(.enter, now: now)
        #expect(dashboard.visibleRows().map(\.id) == ["r2", "r3"])
        #expect(dashboard.press(.character("X"), now: now).isEmpty, "one tagged row, hidden: no decision without a question")
        guard case .confirm(let confirmation) = dashboard.prompt else { return #expect(Bool(false)) }
        #expect(confirmation.question == "Reject 1 tagged request (r1, hidden by the filter)?")
        #expect(dashboard.render(now: now).text.contains("Reject 1 tagged request (r1, hidden by the filter)?"))
        #expect(dashboard.press(.enter, now: now).isEmpty, "Enter is no")
        #expect(dashboard.prompt == nil && dashboard.status?.text == "cancelled: nothing decided")
        _ = dashboard.press(.character("a"), now: now)
        #expect(dashboard.press(.character("y"), now: now) == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))])
    }

    @Test("from 25 requests up, a bulk decision asks for the count typed out")
    func typedCount() {
        var dashboard = Fixture.dashboard(Fixture.snapshot((1...30).map { P(id: $0) }))
        #expect(dashboard.press(.character("A"), now: now).isEmpty)
        guard case .confirm(let confirmation) = dashboard.prompt else { return #expect(Bool(false)) }
        #expect(confirmation.question == "Accept 30 pending requests (r1, r2, r3, r4, r5, r6, … 24 more; 14 not on screen)?")
        #expect(dashboard.press(.character("y"), now: now).isEmpty, "y is not enough")
        #expect(dashboard.prompt == nil)
        _ = dashboard.press(.character("A"), now: now)
        for key in "29" { _ = dashboard.press(.character(key), now: now) }
        #expect(dashboard.press(.enter, now: now).isEmpty, "the wrong count is no")
        _ = dashboard.press(.character("A"), now: now)
        for key in "3x0" { _ = dashboard.press(.character(key), now: now) }
        #expect(dashboard.prompt == nil, "a key that is not a digit is no")
        _ = dashboard.press(.character("A"), now: now)
        for key in "30" { _ = dashboard.press(.character(key), now: now) }
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(ids: (1...30).map { "r\($0)" }, selector: nil, decision: .accept))])
    }

    @Test("filters: a network, a listener port, text in caller data; Esc restores the last one")
    func filters() {
        var dashboard = three()
        func filtered(_ text: String) -> [String] {
            var copy = dashboard
            _ = copy.press(.character("/"), now: now)
            for key in text { _ = copy.press(.character(key), now: now) }
            return copy.visibleRows().map(\.id)
        }
        #expect(filtered("203.0.113.0/24") == ["r1"])
        #expect(filtered(":8081") == ["r2"])
        #expect(filtered("openssh") == ["r3"])
        #expect(filtered("nothing-matches").isEmpty)
        _ = dashboard.press(.character("/"), now: now)
        _ = dashboard.press(.character("z"), now: now)
        _ = dashboard.press(.escape, now: now)
        #expect(dashboard.filter.isEmpty && dashboard.visibleRows().count == 3)
    }

    @Test("IPv6 filters as the commands read them, :: included; an invalid network says so; a filter selects its first match")
    func ipv6Filters() {
        let dashboard = Fixture.dashboard(Fixture.snapshot([
            P(id: 1, peer: "203.0.113.7:1000"), P(id: 2, peer: "[::1]:2000"), P(id: 3, peer: "[2001:db8::5]:3000"),
            P(id: 4, peer: "[::ffff:10.1.2.3]:4000"),
        ]))
        func filtered(_ text: String) -> (ids: [String], problem: String?) {
            var copy = dashboard
            _ = copy.press(.character("/"), now: now)
            for key in text { _ = copy.press(.character(key), now: now) }
            return (copy.visibleRows().map(\.id), copy.filter.problem)
        }
        #expect(filtered("::1").ids == ["r2"])
        #expect(filtered("::1/128").ids == ["r2"])
        #expect(filtered("[::1]").ids == ["r2"])
        #expect(filtered("::/0").ids == ["r2", "r3", "r4"])
        #expect(filtered("2001:db8::/32").ids == ["r3"])
        #expect(filtered("10.0.0.0/8").ids == ["r4"], "an IPv4 network matches IPv4-mapped clients, as --peer does")
        let invalid = filtered("10.0.0.0/33")
        #expect(invalid.ids.isEmpty && invalid.problem?.contains("10.0.0.0/33") == true, "\(invalid)")
        var shown = dashboard
        _ = shown.press(.end, now: now)
        #expect(shown.selectedID == "r4")
        _ = shown.press(.character("/"), now: now)
        for key in "::/0" { _ = shown.press(.character(key), now: now) }
        _ = shown.press(.enter, now: now)
        #expect(shown.selectedID == "r2", "the first match, not the row selected before")
        let screen = shown.render(now: now).text
        #expect(screen.contains("filter: ::/0"))
        var bad = dashboard
        _ = bad.press(.character("/"), now: now)
        for key in "10.0.0.0/33" { _ = bad.press(.character(key), now: now) }
        _ = bad.press(.enter, now: now)
        #expect(bad.render(now: now).text.contains("filter: 10.0.0.0/33 is invalid"))
    }

    @Test("s cycles the sort orders; S reverses")
    func sorting() {
        var dashboard = three()
        #expect(dashboard.visibleRows().map(\.id) == ["r1", "r2", "r3"])
        _ = dashboard.press(.character("S"), now: now)
        #expect(dashboard.visibleRows().map(\.id) == ["r3", "r2", "r1"])
        _ = dashboard.press(.character("S"), now: now)
        _ = dashboard.press(.character("s"), now: now)
        _ = dashboard.press(.character("s"), now: now)
        #expect(dashboard.sort == .peer)
        #expect(dashboard.visibleRows().map(\.id) == ["r2", "r3", "r1"])
    }

    @Test("an observer may look but not decide")
    func observer() {
        var dashboard = three()
        dashboard.receive(hello: WireHello(protocol: 1, version: "0.1.0", pid: 1, uptimeMs: 0, role: .observer))
        #expect(dashboard.press(.character("a"), now: now).isEmpty)
        #expect(dashboard.status?.text.contains("read-only") == true)
    }

    @Test("q quits at once in top; in run it asks while requests are pending")
    func quitting() {
        var top = three()
        #expect(top.press(.character("q"), now: now) == [.quit])
        var run = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), options: DashboardOptions(quitWarning: "will be rejected."))
        #expect(run.press(.character("q"), now: now).isEmpty)
        #expect(run.press(.character("y"), now: now) == [.quit])
    }

    @Test("a click selects the row under it")
    func click() {
        var dashboard = three()
        let screen = dashboard.render(now: now).text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try! #require(screen.firstIndex { $0.contains("r3 ") })
        _ = dashboard.press(.click(x: 10, y: line), now: now)
        #expect(dashboard.selectedID == "r3")
    }

    @Test("after bye nothing can be decided and the screen says why")
    func disconnected() {
        var dashboard = three()
        _ = dashboard.receive(.bye(WireBye(reason: "usher stopped")), now: now)
        #expect(dashboard.press(.character("a"), now: now).isEmpty)
        #expect(dashboard.render(now: now).text.contains("daemon stopped at 14:02:11 ─"))
    }

    @Test("a stopping daemon shows its drain; usher top says it reconnects, and a fresh snapshot connects it again")
    func drainAndReconnect() throws {
        var options = DashboardOptions()
        options.reconnects = true
        var dashboard = Fixture.dashboard(Fixture.snapshot([P(id: 1)]), options: options)
        let tick: [String: Any] = [
            "kind": "stats", "at": Fixture.time(0), "counters": Fixture.counters(pending: 0, arrived: 5), "connections": 2,
            "listeners": [Fixture.listener(0, port: 8080, pending: 0)], "draining_left_ms": 8000,
        ]
        _ = dashboard.receive(.event(Fixture.decode(tick, as: WireEvent.self)), now: now)
        #expect(dashboard.render(now: now).text.contains("usher is stopping: draining (2 proxied, 8s left)"))
        _ = dashboard.receive(.bye(WireBye(reason: "usher stopped")), now: now)
        #expect(dashboard.render(now: now).text.contains("daemon stopped at 14:02:11; reconnecting…"))
        _ = dashboard.receive(.snapshot(Fixture.snapshot([P(id: 7)])), now: now)
        #expect(dashboard.daemon.disconnection == nil && dashboard.daemon.drainingUntil == nil)
        #expect(dashboard.daemon.rows.keys.elementsEqual(["r7"]))
        #expect(dashboard.daemon.events.last?.text == "connected again: a fresh snapshot")
    }

    @Test("stats update the counters; a resync replaces the rows")
    func statsAndResync() throws {
        var dashboard = three()
        let snapshot = Fixture.snapshot([P(id: 9)], arrived: 40)
        _ = dashboard.receive(.resync(try JSONDecoder().decode(WireResync.self, from: JSONSerialization.data(withJSONObject: [
            "missed": 7, "snapshot": try JSONSerialization.jsonObject(with: JSONEncoder().encode(snapshot)),
        ]))), now: now)
        #expect(dashboard.daemon.rows.keys.elementsEqual(["r9"]))
        #expect(dashboard.daemon.counters?.arrived == 40)
        #expect(dashboard.daemon.events.last?.text.contains("7 events missed") == true)
    }

    @Test("a lagging cut-off is told in the event log; the rows stay until the next snapshot")
    func lagging() {
        var dashboard = three()
        _ = dashboard.receive(.message(.error(ControlError(.lagging, "this subscriber fell 4097 events behind"))), now: now)
        #expect(dashboard.daemon.events.last?.text.contains("fell behind") == true)
        #expect(dashboard.daemon.events.last?.text.contains("subscribing again") == true)
        #expect(dashboard.daemon.rows.count == 3)
    }
}

@Suite("Dashboard behaviour: host listeners", .timeLimit(.minutes(1)))
struct HostListenersBehaviourTests {
    private func dashboard(showsHost: Bool = false) -> Dashboard {
        Fixture.dashboard(
            Fixture.snapshot([Fixture.Pending(id: 1), Fixture.Pending(id: 2)], host: Fixture.hostSockets, kernelDepth: 3),
            options: DashboardOptions(showsHost: showsHost))
    }

    @Test("H shows the pane with the focus, and hides it again")
    func toggle() {
        var dashboard = dashboard()
        #expect(!dashboard.showsHost)
        _ = dashboard.press(.character("H"), now: Fixture.now)
        #expect(dashboard.showsHost && dashboard.focus == .lower)
        #expect(dashboard.render(now: Fixture.now).text.contains("Host listeners (4)"))
        _ = dashboard.press(.character("H"), now: Fixture.now)
        #expect(!dashboard.showsHost && dashboard.focus == .pending)
        #expect(dashboard.render(now: Fixture.now).text.contains("Events"))
    }

    @Test("rows go deepest first; s cycles fill, address, process; S reverses")
    func sorting() {
        var dashboard = dashboard(showsHost: true)
        #expect(dashboard.hostRows().map(\.port) == [5432, 8080, 80, 22])
        _ = dashboard.press(.character("s"), now: Fixture.now)
        #expect(dashboard.hostSort == .fill)
        #expect(dashboard.hostRows().first?.port == 5432)
        _ = dashboard.press(.character("s"), now: Fixture.now)
        #expect(dashboard.hostRows().map(\.port) == [22, 80, 5432, 8080])
        _ = dashboard.press(.character("S"), now: Fixture.now)
        #expect(dashboard.hostRows().map(\.port) == [8080, 5432, 80, 22])
        _ = dashboard.press(.character("s"), now: Fixture.now)
        #expect(dashboard.hostSort == .process)
        #expect(dashboard.sort == .age, "the pending table's order did not move")
    }

    @Test("arrows move the host selection while the pane has the focus; Tab gives them back to the table")
    func selection() {
        var dashboard = dashboard(showsHost: true)
        #expect(dashboard.selectedHostListener?.port == 5432)
        _ = dashboard.press(.down, now: Fixture.now)
        #expect(dashboard.selectedHostListener?.port == 8080)
        #expect(dashboard.selectedID == "r1")
        _ = dashboard.press(.tab, now: Fixture.now)
        _ = dashboard.press(.down, now: Fixture.now)
        #expect(dashboard.selectedID == "r2")
        #expect(dashboard.selectedHostListener?.port == 8080)
    }

    @Test("Enter opens the processes of the selected listener and closes them")
    func processView() {
        var dashboard = dashboard(showsHost: true)
        _ = dashboard.press(.enter, now: Fixture.now)
        #expect(dashboard.showsHostProcess)
        #expect(!dashboard.showsDetail)
        let text = dashboard.render(now: Fixture.now).text
        #expect(text.contains("pid 7001  postgres  fd 3"))
        #expect(text.contains("postgres -D /var/lib/postgresql"))
        _ = dashboard.press(.enter, now: Fixture.now)
        #expect(!dashboard.showsHostProcess)
    }

    @Test("host events append to each listener's history; a listener that is gone leaves the pane")
    func events() {
        var dashboard = dashboard(showsHost: true)
        var next = Fixture.hostSockets.filter { $0.id != 4 }
        next[2].depth = 7
        _ = dashboard.receive(Fixture.hostEvent(next), now: Fixture.now)
        let host = dashboard.daemon.host
        #expect(host?.listeners.count == 3)
        #expect(host?.listeners[3]?.history == [0, 1, 2, 4, 5, 6, 6, 6, 7])
        #expect(host?.listeners[4] == nil)
    }

    @Test("a host listener that fills up, or has room again, gets a line in the event log")
    func saturationEvents() {
        var dashboard = dashboard()
        var next = Fixture.hostSockets
        next[0].depth = 128
        next[0].saturatedMs = 0
        next[2].saturatedMs = nil
        next[2].depth = 2
        _ = dashboard.receive(Fixture.hostEvent(next), now: Fixture.now)
        let lines = dashboard.daemon.events.map { "\($0.subject) \($0.text)" }
        #expect(lines.contains("0.0.0.0:22 accept queue full (128/128) held by sshd[612]: the kernel refuses new connections"))
        #expect(lines.contains("127.0.0.1:5432 accept queue has room again (2/5)"))
        _ = dashboard.receive(Fixture.hostEvent(next), now: Fixture.now)
        #expect(dashboard.daemon.events.count == lines.count, "no new line without a change")
    }

    @Test("/ in the host pane filters by port, process or address as you type; Esc undoes, \\ clears")
    func hostFilter() {
        var dashboard = dashboard(showsHost: true)
        _ = dashboard.press(.character("/"), now: Fixture.now)
        for key in ":22" { _ = dashboard.press(.character(key), now: Fixture.now) }
        #expect(dashboard.hostRows().map(\.port) == [22])
        #expect(dashboard.filter.isEmpty, "the pending table's filter did not move")
        _ = dashboard.press(.enter, now: Fixture.now)
        #expect(dashboard.render(now: Fixture.now).text.contains("Host listeners (1 of 4)"))
        _ = dashboard.press(.character("/"), now: Fixture.now)
        _ = dashboard.press(.control("u"), now: Fixture.now)
        for key in "POSTGRES" { _ = dashboard.press(.character(key), now: Fixture.now) }
        #expect(dashboard.hostRows().map(\.port) == [5432])
        _ = dashboard.press(.escape, now: Fixture.now)
        #expect(dashboard.hostRows().map(\.port) == [22])
        _ = dashboard.press(.character("/"), now: Fixture.now)
        _ = dashboard.press(.control("u"), now: Fixture.now)
        for key in "nothing-here" { _ = dashboard.press(.character(key), now: Fixture.now) }
        _ = dashboard.press(.enter, now: Fixture.now)
        #expect(dashboard.render(now: Fixture.now).text.contains("No listener matches 'nothing-here'"))
        _ = dashboard.press(.character("\\"), now: Fixture.now)
        #expect(dashboard.hostRows().count == 4)
        _ = dashboard.press(.character("/"), now: Fixture.now)
        for key in "7002" { _ = dashboard.press(.character(key), now: Fixture.now) }
        #expect(dashboard.hostRows().map(\.port) == [5432], "a pid of the second holder")
    }

    @Test("a click on a host row selects it")
    func click() {
        var dashboard = dashboard(showsHost: true)
        let frame = dashboard.render(now: Fixture.now).text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = frame.firstIndex { $0.contains("0.0.0.0:22") } ?? 0
        _ = dashboard.press(.click(x: 5, y: line), now: Fixture.now)
        #expect(dashboard.selectedHostListener?.port == 22)
    }

    @Test("the header shows the kernel queue beside the pending one")
    func header() {
        let text = dashboard().render(now: Fixture.now).text
        #expect(text.contains("kernel [") && text.contains("3/4096"))
    }
}
