import Glibc
import Testing
import UsherCore
import UsherRulesFile
import UsherTestSupport

/// Remembered decisions in the core: made from a request and a scope, tested before the rules,
/// expiring, never made by the timeout, written to and read back from their file.
@Suite("Remembered decisions", .timeLimit(.minutes(1)))
struct RememberedDecisionTests {
    static let listener = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))

    static func arrive(_ core: inout ProviderCore, from host: String, at now: Moment) -> RequestID? {
        let (outcome, _) = core.arrive(on: ListenerID(0), peer: Endpoint(host: host, port: 40_000), local: listener.endpoint, at: now)
        if case .queued(let id) = outcome { return id }
        return nil
    }

    @Test("a decision remembered for the peer decides its next connection, until it expires")
    func peerUntilExpiry() throws {
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [Self.listener])
        let first = try #require(Self.arrive(&core, from: "127.0.0.1", at: .zero))
        let request = try #require(core.request(first))
        let rule = try Rule.remembering(.accept, for: request, scope: .peer, duration: .lasting(.seconds(60)), at: .zero)
        #expect(rule.name == "peer:127.0.0.1")
        _ = try core.decide(first, .accept, by: .operator(Operator()), at: .zero)
        _ = core.remember(rule, at: .zero)
        let second = try #require(Self.arrive(&core, from: "127.0.0.1", at: .zero + .seconds(1)))
        #expect(core.request(second)?.decider == .rule("peer:127.0.0.1"))
        let stranger = try #require(Self.arrive(&core, from: "127.0.0.9", at: .zero + .seconds(1)))
        #expect(core.request(stranger)?.state == .pending)
        let late = try #require(Self.arrive(&core, from: "127.0.0.1", at: .zero + .seconds(61)))
        #expect(core.request(late)?.state == .pending, "expired after a minute")
    }

    @Test("scopes: net is the /24 or /64, sni and host need what the caller sent", arguments: [
        ("10.1.2.3", RememberScope.net, "net:10.1.2.0/24"),
        ("2001:db8:1:2:3::4", RememberScope.net, "net:2001:db8:1:2::/64"),
        ("::ffff:10.1.2.3", RememberScope.peer, "peer:10.1.2.3"),
        ("10.1.2.3", RememberScope.listener, "listener:127.0.0.1:8080"),
    ])
    func scopes(host: String, scope: RememberScope, name: String) throws {
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [Self.listener])
        let id = try #require(Self.arrive(&core, from: host, at: .zero))
        let rule = try Rule.remembering(.accept, for: try #require(core.request(id)), scope: scope, duration: .forever, at: .zero)
        #expect(rule.name == name)
        #expect(throws: RememberError.self) {
            try Rule.remembering(.accept, for: try #require(core.request(id)), scope: .sni, duration: .forever, at: .zero)
        }
    }

    @Test("the pending timeout decides but remembers nothing")
    func timeoutRemembersNothing() throws {
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask, pendingTimeout: .seconds(1)), listeners: [Self.listener])
        _ = try #require(Self.arrive(&core, from: "127.0.0.1", at: .zero))
        _ = core.advance(to: .zero + .seconds(2))
        #expect(core.remembered.rules.isEmpty)
        let next = try #require(Self.arrive(&core, from: "127.0.0.1", at: .zero + .seconds(3)))
        #expect(core.request(next)?.state == .pending)
    }

    @Test("the file keeps lasting and forever decisions, not those until restart, and drops the expired on reading")
    func fileRoundTrip() throws {
        let rules = [
            Rule(name: "peer:127.0.0.1", matchers: [.peer([try AddressPrefix.parse("127.0.0.1")])], action: .decide(.accept), expires: .at(.zero + .seconds(60))),
            Rule(name: "sni:a.example.com", matchers: [.sni([try Glob("a.example.com")])], action: .decide(.reject(Rejection(mode: .close, message: Array("no \"thanks\"\r\n".utf8)))), expires: nil),
        ]
        let text = RememberedFile.text(rules, now: .zero, wallNow: 1_000)
        #expect(text.contains("expires_at = 1060"))
        let folder = try TemporaryDirectory()
        let path = folder.path + "/remembered.toml"
        let file = try #require(fopen(path, "w"))
        fputs(text, file)
        fclose(file)
        let read = try RememberedFile.load(path: path, now: .zero + .seconds(5), wallNow: 1_010)
        #expect(read.map(\.name) == ["peer:127.0.0.1", "sni:a.example.com"])
        #expect(read[0].expires == .at(.zero + .seconds(55)))
        #expect(read[1].action == rules[1].action)
        let later = try RememberedFile.load(path: path, now: .zero, wallNow: 2_000)
        #expect(later.map(\.name) == ["sni:a.example.com"])
    }
}
