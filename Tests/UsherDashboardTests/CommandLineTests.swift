import Foundation
import Testing
import UsherWire
import UsherDashboard

@Suite("The : command line", .timeLimit(.minutes(1)))
struct CommandLineTests {
    typealias P = Fixture.Pending
    let now = Fixture.now

    func three(options: DashboardOptions = DashboardOptions()) -> Dashboard {
        Fixture.dashboard(Fixture.snapshot([
            P(id: 1, peer: "203.0.113.7:1000", age: 9),
            P(id: 2, peer: "198.51.100.2:2000", listener: 1, age: 5),
            P(id: 3, peer: "198.51.100.3:3000", age: 1),
        ], listeners: 2), options: options)
    }

    /// `:` then `line` typed key by key, then Enter: the actions of the Enter.
    func run(_ line: String, in dashboard: inout Dashboard) -> [DashboardAction] {
        _ = dashboard.press(.character(":"), now: now)
        for character in line { _ = dashboard.press(.character(character), now: now) }
        return dashboard.press(.enter, now: now)
    }

    @Test("lines read as the registry names them", arguments: [
        ("accept", ColonCommand.decide(.accept, target: .current)),
        ("accept r4", .decide(.accept, target: .ids(["r4"]))),
        ("accept r4,r5 r6", .decide(.accept, target: .ids(["r4", "r5", "r6"]))),
        ("reject r4 reset", .decide(.reject(mode: .reset, message: nil), target: .ids(["r4"]))),
        ("reset all", .decide(.reject(mode: .reset, message: nil), target: .all)),
        ("defer all 5m", .decide(.deferral(.seconds(300)), target: .all)),
        ("defer tagged", .askDeferral(target: .tagged)),
        ("accept peer 10.0.0.0/8", .decide(.accept, target: .matching("10.0.0.0/8", label: "from 10.0.0.0/8"))),
        ("reject listener 8080", .decide(.reject(mode: .close, message: nil), target: .matching(":8080", label: "on :8080"))),
        ("filter :8080", .filter(":8080")),
        ("filter", .filter("")),
        ("sort peer reverse", .sort(.peer, reversed: true)),
        ("sort", .sort(nil, reversed: false)),
        ("theme light", .theme("light")),
        ("help", .perform(.help)),
        ("q", .perform(.quit)),
    ])
    func parses(line: String, expected: ColonCommand) throws {
        #expect(try ColonCommand.parse(line) == expected)
    }

    @Test("a mistake names the word at fault", arguments: [
        ("launch", "'launch' is not a command; commands: accept, reject"),
        ("reject r4 sideways", "reject: 'sideways' is not a request ID (r4), all, tagged, peer or listener"),
        ("accept peer example", "accept peer: 'example' is not an address or network"),
        ("accept peer 10.0.0.0/33", "accept peer: '10.0.0.0/33' is not an address or network"),
        ("accept listener :99999", "accept listener: ':99999' is not a port"),
        ("defer r1 0s", "defer: a deferral must be longer than 0"),
        ("sort sideways", "sort: 'sideways' is not an order; orders: age, left, peer, listener, id"),
        ("help me", "help takes nothing after it (got 'me')"),
        ("", "type a command: accept, reject"),
    ])
    func mistakes(line: String, expected: String) {
        #expect { try ColonCommand.parse(line) } throws: { "\($0)".contains(expected) }
    }

    @Test(":accept r2 on screen decides at once; :accept peer asks, naming the requests, hidden ones too")
    func decisions() {
        var dashboard = three()
        #expect(run("accept r2", in: &dashboard) == [.decide(DecideOperation(ids: ["r2"], selector: nil, decision: .accept))])
        #expect(run("filter :8080", in: &dashboard).isEmpty)
        #expect(run("accept peer 198.51.100.0/24", in: &dashboard).isEmpty)
        guard case .confirm(let confirmation) = dashboard.prompt else { Issue.record("no confirmation"); return }
        #expect(confirmation.question == "Accept 2 requests from 198.51.100.0/24 (r2, r3; 1 hidden by the filter)?")
        #expect(dashboard.press(.character("y"), now: now)
            == [.decide(DecideOperation(ids: ["r2", "r3"], selector: nil, decision: .accept))])
        #expect(run("accept r9", in: &dashboard).isEmpty)
        #expect(dashboard.status?.text == "r9 is not pending: nothing decided")
    }

    @Test(":defer all 5m asks for all three; :defer alone opens the deferral prompt")
    func deferral() {
        var dashboard = three()
        _ = run("defer all 5m", in: &dashboard)
        guard case .confirm(let confirmation) = dashboard.prompt else { Issue.record("no confirmation"); return }
        #expect(confirmation.question.hasPrefix("Defer 3 pending requests (r1, r2, r3"))
        guard case .decide(let operation) = confirmation.then else { Issue.record("not a decision"); return }
        #expect(operation.decision == .deferral(.seconds(300)) && operation.extendsTimeout, "5m is longer than the time left")
        _ = dashboard.press(.escape, now: now)
        _ = run("defer", in: &dashboard)
        #expect(dashboard.prompt == .deferral(text: "30s", ids: ["r1"], proposed: true))
    }

    @Test(":sort, :filter and :theme change the view; a bad theme says why")
    func view() {
        var dashboard = three()
        _ = run("sort peer reverse", in: &dashboard)
        #expect(dashboard.sort == .peer && dashboard.descending)
        #expect(dashboard.visibleRows().map(\.id) == ["r1", "r3", "r2"])
        _ = run("filter 198.51.100.3", in: &dashboard)
        #expect(dashboard.visibleRows().map(\.id) == ["r3"])
        let actions = run("theme light", in: &dashboard)
        #expect(actions.count == 1)
        if case .theme(let theme)? = actions.first { #expect(theme.name == "light") } else { Issue.record("\(actions)") }
        #expect(run("theme nope", in: &dashboard).isEmpty)
        #expect(dashboard.status?.text.contains("no built-in theme by that name") == true)
        #expect(run("launch", in: &dashboard) == [.bell])
        #expect(dashboard.status?.isError == true && dashboard.status?.text.hasPrefix(":launch: 'launch' is not a command") == true)
    }

    @Test("Tab completes names, targets, IDs and orders; Up and Down recall the lines run")
    func completionAndHistory() {
        var dashboard = three()
        _ = dashboard.press(.character(":"), now: now)
        for character in "acc" { _ = dashboard.press(.character(character), now: now) }
        _ = dashboard.press(.tab, now: now)
        #expect(dashboard.prompt == .command(text: "accept "))
        _ = dashboard.press(.character("r"), now: now)
        _ = dashboard.press(.tab, now: now)
        #expect(dashboard.prompt == .command(text: "accept r"))
        #expect(dashboard.status?.text == "r1  r2  r3")
        _ = dashboard.press(.character("3"), now: now)
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(ids: ["r3"], selector: nil, decision: .accept))])
        _ = run("sort left", in: &dashboard)
        _ = dashboard.press(.character(":"), now: now)
        _ = dashboard.press(.up, now: now)
        #expect(dashboard.prompt == .command(text: "sort left"))
        _ = dashboard.press(.up, now: now)
        #expect(dashboard.prompt == .command(text: "accept r3"))
        _ = dashboard.press(.down, now: now)
        _ = dashboard.press(.down, now: now)
        #expect(dashboard.prompt == .command(text: ""))
        _ = dashboard.press(.backspace, now: now)
        #expect(dashboard.prompt == nil, "Backspace on an empty line leaves it")
        _ = dashboard.press(.character(":"), now: now)
        for character in "sort p" { _ = dashboard.press(.character(character), now: now) }
        _ = dashboard.press(.tab, now: now)
        #expect(dashboard.prompt == .command(text: "sort peer "))
    }

    @Test("read-only: typed decisions are refused like the keys")
    func readOnly() {
        var options = DashboardOptions()
        options.readOnly = true
        var dashboard = three(options: options)
        #expect(run("accept r1", in: &dashboard).isEmpty)
        #expect(dashboard.status?.text.contains("read-only") == true)
    }

    @Test("line mode: a line's characters are keys; its end is Enter only where it typed into a question")
    func lines() {
        func keys(_ text: String) -> [Key] { text.map { .character($0) } }
        let decideR1 = { (decision: DecisionRequest, extends: Bool) in
            [DashboardAction.decide(DecideOperation(ids: ["r1"], selector: nil, decision: decision, extendsTimeout: extends))]
        }
        var dashboard = three()
        #expect(dashboard.press(line: keys("a"), now: now) == decideR1(.accept, false), "no Enter after a: it would open the detail")
        #expect(!dashboard.showsDetail)
        #expect(dashboard.press(line: keys("d"), now: now).isEmpty)
        #expect(dashboard.prompt == .deferral(text: "30s", ids: ["r1"], proposed: true), "d alone leaves the question open")
        #expect(dashboard.press(line: keys("5s"), now: now) == decideR1(.deferral(.seconds(5)), false))
        #expect(dashboard.press(line: keys("d5s"), now: now) == decideR1(.deferral(.seconds(5)), false))
        #expect(dashboard.press(line: keys(":reject r1 reset"), now: now) == decideR1(.reject(mode: .reset, message: nil), false))
        #expect(dashboard.press(line: keys("X"), now: now).isEmpty)
        #expect(dashboard.press(line: keys("y"), now: now).count == 1, "y answers; no Enter follows")
        #expect(dashboard.prompt == nil && !dashboard.showsDetail)
        _ = dashboard.press(line: keys("d"), now: now)
        #expect(dashboard.press(line: [], now: now) == decideR1(.deferral(.seconds(30)), false), "an empty line is Enter")
        #expect(dashboard.press(line: keys("jj"), now: now).isEmpty)
        #expect(dashboard.selectedID == "r3")
    }
}
