import Foundation
import Testing
import UsherCore
import UsherWire
import UsherDashboard
import UsherTestSupport

/// The decision dialog (`m`): narrowest choices first, bound to the request it names, and the
/// control operation it sends; its screens as text.
@Suite("Dashboard decision dialog", .timeLimit(.minutes(1)))
struct DecisionDialogTests {
    typealias P = Fixture.Pending
    let now = Fixture.now

    func dashboard(width: Int = 80, height: Int = 24) -> Dashboard {
        Fixture.dashboard(Fixture.snapshot([
            P(id: 1, peer: "203.0.113.7:1000", age: 9),
            P(id: 2, peer: "[2001:db8::5]:2000", age: 5, data: [0x16, 0x03, 0x01, 0x00, 0x05], serverName: "Canary.A.example.com"),
            P(id: 3, peer: "198.51.100.3:3000", age: 1, data: Array("SSH-2.0-OpenSSH\r\n".utf8)),
        ]), width: width, height: height)
    }

    func check(_ canvas: Canvas, _ name: String, filePath: String = #filePath) throws {
        let result = try TextSnapshot.check(canvas.text + "\n", named: name, filePath: filePath)
        #expect(result == .matches, "\(result)")
    }

    @Test("m opens on the narrowest choices: accept this connection once; Enter sends exactly that")
    func narrowestFirst() throws {
        var dashboard = dashboard()
        #expect(dashboard.press(.character("m"), now: now).isEmpty)
        let dialog = try #require(dashboard.dialog)
        #expect(dialog.requestID == "r1")
        #expect(dialog.field == .decision && dialog.choice == .accept)
        #expect(dialog.scope.reach == .connection && dialog.length == .once)
        try check(dashboard.render(now: now), "decision-dialog-80x24")
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))])
        #expect(dashboard.dialog == nil)
    }

    @Test("a wider scope takes 5m at least; once takes the scope back to the connection")
    func scopeAndDuration() throws {
        var dashboard = dashboard()
        _ = dashboard.press(.character("m"), now: now)
        _ = dashboard.press(.right, now: now)  // reject
        _ = dashboard.press(.down, now: now)
        _ = dashboard.press(.right, now: now)  // peer
        #expect(dashboard.dialog?.scope.subject == "203.0.113.7")
        #expect(dashboard.dialog?.length == .fiveMinutes)
        try check(dashboard.render(now: now), "decision-dialog-peer")
        _ = dashboard.press(.right, now: now)  // net
        _ = dashboard.press(.right, now: now)  // sni: none, so host
        #expect(dashboard.dialog?.scope.reach == .remembered(.host))
        #expect(dashboard.dialog?.consequence == "reject r1 and every request for Host example.com for 5m")
        _ = dashboard.press(.tab, now: now)
        _ = dashboard.press(.right, now: now)
        _ = dashboard.press(.right, now: now)  // until restart
        #expect(dashboard.press(.enter, now: now) == [.decide(DecideOperation(
            ids: ["r1"], selector: nil, decision: .reject(mode: .close, message: nil),
            remember: RememberRequest(scope: .host, duration: .restart)))])

        _ = dashboard.press(.character("m"), now: now)
        _ = dashboard.press(.up, now: now)  // wraps to the duration row
        _ = dashboard.press(.right, now: now)
        #expect(dashboard.dialog?.scope.reach == .remembered(.peer), "a duration needs a scope: the narrowest")
        _ = dashboard.press(.left, now: now)
        #expect(dashboard.dialog?.scope.reach == .connection && dashboard.dialog?.length == .once)
    }

    @Test("an IPv6 client with SNI offers its /64 and its server name, lowercased")
    func ipv6AndServerName() throws {
        var dashboard = dashboard(width: 120, height: 32)
        _ = dashboard.press(.down, now: now)
        _ = dashboard.press(.character("m"), now: now)
        let dialog = try #require(dashboard.dialog)
        #expect(dialog.scopes.map(\.subject) == ["r2", "2001:db8::5", "2001:db8::/64", "canary.a.example.com", nil, "127.0.0.1:8080"])
        try check(dashboard.render(now: now), "decision-dialog-ipv6-120x32")
    }

    @Test("rows moving under the dialog change nothing; a request that left is not decided")
    func boundToItsRequest() throws {
        var dashboard = dashboard()
        _ = dashboard.press(.character("m"), now: now)
        _ = dashboard.receive(Fixture.event("arrived", P(id: 0, peer: "192.0.2.9:9", age: 0), seq: 101), now: now)
        #expect(dashboard.press(.character("a"), now: now).isEmpty, "decision keys do nothing inside the dialog")
        #expect(dashboard.press(.character("r"), now: now).isEmpty)
        #expect(dashboard.dialog?.requestID == "r1")
        _ = dashboard.receive(Fixture.event("withdrawn", P(id: 1, peer: "203.0.113.7:1000", age: 9, state: "withdrawn"), seq: 102), now: now)
        try check(dashboard.render(now: now), "decision-dialog-gone")
        #expect(dashboard.press(.enter, now: now).isEmpty)
        #expect(dashboard.status?.text == "r1 is no longer pending: nothing decided")
    }

    @Test("Esc and q cancel; an observer cannot open it")
    func cancel() {
        var dashboard = dashboard()
        _ = dashboard.press(.character("m"), now: now)
        #expect(dashboard.press(.escape, now: now).isEmpty)
        #expect(dashboard.dialog == nil && dashboard.status?.text == "cancelled")
        _ = dashboard.press(.character("m"), now: now)
        #expect(dashboard.press(.character("q"), now: now).isEmpty)
        #expect(dashboard.dialog == nil)
        dashboard.receive(hello: WireHello(protocol: 1, version: "0.1.0", pid: 1, uptimeMs: 0, role: .observer))
        _ = dashboard.press(.character("m"), now: now)
        #expect(dashboard.dialog == nil)
        #expect(dashboard.status?.text.contains("read-only") == true)
    }

    @Test("the answer says what was remembered, or why not")
    func answer() {
        var dashboard = dashboard()
        dashboard.receive(results: [WireDecision(request: "r1", ok: true, state: "accepted", remembered: "peer:203.0.113.7")], now: now)
        #expect(dashboard.status?.text == "r1 accepted; remembered as peer:203.0.113.7 (usher rules ls)")
        dashboard.receive(results: [WireDecision(request: "r3", ok: true, state: "rejected", notRemembered: "the caller sent no HTTP Host to remember")], now: now)
        #expect(dashboard.status == StatusMessage("r3 rejected, not remembered: the caller sent no HTTP Host to remember", isError: true))
    }
}
