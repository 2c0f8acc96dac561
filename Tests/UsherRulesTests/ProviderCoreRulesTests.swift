import Testing
@testable import UsherCore
import UsherRulesFile
import UsherTestSupport

/// The provider core with rules: evaluated at arrival, again as caller data arrives, and at the
/// end of the inspect delay.
@Suite("Provider core with rules", .timeLimit(.minutes(1)))
struct ProviderCoreRulesTests {
    static let listener = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))

    static func core(_ toml: String) throws -> ProviderCore {
        ProviderCore(
            configuration: ProviderConfiguration(policy: .ask), listeners: [listener],
            rules: try RulesFile.parse(toml, file: "t.toml"))
    }

    static func arrive(_ core: inout ProviderCore, from host: String = "127.0.0.1", at now: Moment = .zero) -> RequestID? {
        let (outcome, _) = core.arrive(
            on: ListenerID(0), peer: Endpoint(host: host, port: 40_000), local: listener.endpoint, at: now)
        if case .queued(let id) = outcome { return id }
        return nil
    }

    static let sniRule = """
        inspect_delay = "2s"
        [[rule]]
        name = "canary"
        sni = "canary.*.example.com"
        action = "accept"
        [default]
        action = "ask"
        """

    @Test("within the inspect delay the request waits for data, then its ClientHello decides")
    func waitsThenDecides() throws {
        var core = try Self.core(Self.sniRule)
        let id = try #require(Self.arrive(&core))
        #expect(core.request(id)?.outcomes.map(\.verdict) == [.waitingForData])
        let output = try core.received(ClientHellos.make(host: "canary.a.example.com", alpn: []), for: id, at: .zero + .milliseconds(5))
        #expect(output.actions.contains(.connection(id, .connectUpstream)))
        #expect(core.request(id)?.decider == .rule("canary"))
        #expect(core.request(id)?.outcomes.map(\.condition) == ["canary"])
    }

    @Test("when the inspect delay ends without data, the rules decide on what there is")
    func delayEnds() throws {
        var core = try Self.core(Self.sniRule)
        let id = try #require(Self.arrive(&core))
        #expect(core.nextDeadline == .zero + .seconds(2))
        _ = core.advance(to: .zero + .seconds(2))
        let outcomes = core.request(id)?.outcomes ?? []
        #expect(outcomes.map(\.condition) == ["canary", "default"])
        #expect(outcomes.first?.reason == "no TLS server name in the caller data")
        #expect(core.request(id)?.state == .pending)
    }

    @Test("with no inspect delay, a request left to ask is decided when its data arrives")
    func askedThenData() throws {
        var core = try Self.core("""
            [[rule]]
            name = "shop"
            host = "shop.example.com"
            action = "reject"
            mode = "reset"
            """)
        let id = try #require(Self.arrive(&core))
        #expect(core.request(id)?.outcomes.map(\.condition) == ["shop", "policy"])
        let output = try core.received(Array("GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n".utf8), for: id, at: .zero)
        #expect(output.actions.contains(.connection(id, .reject(.reset))))
        #expect(core.request(id)?.state == .rejected(.reset))
        #expect(core.ruleState.counters["shop"] == RuleCounters(evaluated: 1, matched: 1, lastMatch: .zero),
                "evaluated twice, counted once")
    }

    @Test("an operator's decision is never re-decided by data that arrives later")
    func operatorWins() throws {
        var core = try Self.core("""
            [[rule]]
            name = "shop"
            host = "shop.example.com"
            action = "accept"
            """)
        let id = try #require(Self.arrive(&core))
        _ = try core.decide(id, .deferral(.seconds(30)), by: .operator(Operator()), at: .zero)
        _ = try core.received(Array("GET / HTTP/1.1\r\nHost: shop.example.com\r\n\r\n".utf8), for: id, at: .zero)
        #expect(core.request(id)?.state == .deferred(until: .zero + .seconds(30)))
    }

    @Test("concurrent counts the open connections of one source")
    func concurrent() throws {
        var core = try Self.core("""
            [[rule]]
            name = "two"
            concurrent = 2
            action = "accept"
            [default]
            action = "reject"
            """)
        let first = try #require(Self.arrive(&core))
        let second = try #require(Self.arrive(&core))
        let third = try #require(Self.arrive(&core))
        #expect(core.request(first)?.decider == .rule("two"))
        #expect(core.request(second)?.decider == .rule("two"))
        #expect(core.request(third)?.decider == .rule("default"))
        #expect(core.request(third)?.outcomes.first?.reason == "3 connections from 127.0.0.1, over 2")
        _ = core.connectionClosed(first, at: .zero)
        _ = core.connectionClosed(third, at: .zero)  // rejected: the IO layer closes it
        let fourth = try #require(Self.arrive(&core))
        #expect(core.request(fourth)?.decider == .rule("two"))
        let elsewhere = try #require(Self.arrive(&core, from: "127.0.0.5"))
        #expect(core.request(elsewhere)?.decider == .rule("two"))
    }

    @Test("a concurrent rule that comes while connections are open counts them; none is counted without one")
    func concurrentComesLater() throws {
        var core = try Self.core("")
        let open = [Self.arrive(&core), Self.arrive(&core)]
        #expect(open.allSatisfy { $0 != nil } && core.connectionsBySource.isEmpty, "no rule counts: nothing is kept")
        let counting = try RulesFile.parse("""
            [[rule]]
            name = "two"
            not.concurrent = 2
            action = "reject"
            """, file: "t.toml")
        _ = core.replaceRules(counting, applyPending: false, at: .zero)
        #expect(core.connectionsBySource == ["127.0.0.1": 2])
        let third = try #require(Self.arrive(&core))
        #expect(core.request(third)?.decider == .rule("two"), "the two already open count")
        _ = core.replaceRules(.empty, applyPending: false, at: .zero)
        #expect(core.connectionsBySource.isEmpty)
        _ = core.connectionClosed(third, at: .zero)
        _ = core.replaceRules(counting, applyPending: false, at: .zero)
        #expect(core.connectionsBySource == ["127.0.0.1": 2], "counted again from the connections open")
    }
}
