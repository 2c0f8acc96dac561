import Testing
import UsherCore
import UsherRulesFile
import UsherTestSupport

/// Rules against requests: which rule decides, and why in words.
@Suite("Rule matching", .timeLimit(.minutes(1)))
struct RuleMatchingTests {
    static let listener = Endpoint(host: "127.0.0.1", port: 8080)

    static func context(
        source: String = "127.0.0.1", data: String = "", final: Bool = false, port: Int = 8080,
        time: LocalTime = LocalTime(weekday: 1, minuteOfDay: 600), connections: Int = 1,
        id: UInt64 = 1, at now: Moment = .zero
    ) -> RuleContext {
        context(source: source, bytes: Array(data.utf8), final: final, port: port, time: time, connections: connections, id: id, at: now)
    }

    static func context(
        source: String = "127.0.0.1", bytes: [UInt8], final: Bool = false, port: Int = 8080,
        time: LocalTime = LocalTime(weekday: 1, minuteOfDay: 600), connections: Int = 1,
        id: UInt64 = 1, at now: Moment = .zero
    ) -> RuleContext {
        RuleContext(
            request: RequestID(id), listener: ListenerID(0), listenerEndpoint: Endpoint(host: "127.0.0.1", port: port),
            local: Endpoint(host: "127.0.0.1", port: port), source: source, data: CallerData(bytes: bytes),
            dataIsFinal: final, localTime: time, connectionsFromSource: connections, now: now)
    }

    /// A one-rule set named `r` with `matchers` (TOML lines) and action accept.
    static func rule(_ matchers: String) throws -> RuleSet {
        try RulesFile.parse("[[rule]]\nname = \"r\"\n\(matchers)\naction = \"accept\"\n", file: "t.toml")
    }

    static func evaluate(_ rules: RuleSet, _ context: RuleContext, mayWait: Bool = false) -> (matched: Bool, reason: String) {
        var state = RuleState()
        let evaluation = rules.evaluate(context, mayWait: mayWait, state: &state)
        if case .matched = evaluation.result { return (true, evaluation.outcomes.last?.reason ?? "") }
        return (false, evaluation.outcomes.last?.reason ?? "")
    }

    static let http = "GET /api/v1/items?x=1 HTTP/1.1\r\nHost: Shop.Example.com:8443\r\nUser-Agent: curl/8\r\n\r\n"

    @Test("each matcher matches or not, and says why", arguments: [
        ("peer = [\"10.0.0.0/8\", \"fd00::/8\"]", "10.1.2.3", "", true, "peer 10.1.2.3 in 10.0.0.0/8, fd00::/8"),
        ("peer = [\"10.0.0.0/8\", \"fd00::/8\"]", "127.0.0.1", "", false, "peer 127.0.0.1 not in 10.0.0.0/8, fd00::/8"),
        ("peer = \"fd00::/8\"", "fd12::1", "", true, "peer fd12::1 in fd00::/8"),
        ("peer = \"10.0.0.0/8\"", "::ffff:10.0.0.1", "", true, "peer ::ffff:10.0.0.1 in 10.0.0.0/8"),
        ("listener = 8080", "127.0.0.1", "", true, "listener 127.0.0.1:8080 is :8080"),
        ("listener = [\"127.0.0.1:9090\"]", "127.0.0.1", "", false, "listener 127.0.0.1:8080 not 127.0.0.1:9090"),
        ("host = \"*.example.com\"", "127.0.0.1", http, true, "host Shop.Example.com matched *.example.com"),
        ("host = \"example.com\"", "127.0.0.1", http, false, "host Shop.Example.com not example.com"),
        ("method = [\"get\", \"HEAD\"]", "127.0.0.1", http, true, "method GET is GET, HEAD"),
        ("path = \"/api/\"", "127.0.0.1", http, true, "path /api/v1/items matched /api/"),
        ("path = \"/*.php\"", "127.0.0.1", http, false, "path /api/v1/items not /*.php"),
        ("data_prefix = \"GET \"", "127.0.0.1", http, true, "data starts with GET "),
        ("data_prefix = \"hex:160301\"", "127.0.0.1", http, false, "data does not start with ..."),
        ("data_regex = \"User-Agent: curl\"", "127.0.0.1", http, true, "data matched /User-Agent: curl/"),
        ("sni = \"*.example.com\"", "127.0.0.1", http, false, "no TLS server name in the caller data"),
        ("time = \"Mon-Fri 09:00-18:00\"", "127.0.0.1", "", true, "time Mon 10:00 in Mon-Fri 09:00-18:00"),
        ("time = \"Sat,Sun\"", "127.0.0.1", "", false, "time Mon 10:00 not in Sat,Sun"),
        ("concurrent = 1", "127.0.0.1", "", true, "1 connections from 127.0.0.1, within 1"),
        ("not = { peer = \"127.0.0.0/8\" }", "127.0.0.1", "", false, "not (peer 127.0.0.1 in 127.0.0.0/8)"),
        ("not = { peer = \"10.0.0.0/8\" }", "127.0.0.1", "", true, "not (peer 127.0.0.1 not in 10.0.0.0/8)"),
    ])
    func matcher(toml: String, source: String, data: String, matches: Bool, reason: String) throws {
        let (matched, said) = Self.evaluate(try Self.rule(toml), Self.context(source: source, data: data, final: true))
        #expect(matched == matches, "\(toml): \(said)")
        #expect(said == reason)
    }

    @Test("a TLS ClientHello's server name, protocols and versions are matched")
    func tls() throws {
        let hello = ClientHellos.make(host: "canary.a.example.com", alpn: ["h2", "http/1.1"])
        let sni = Self.evaluate(try Self.rule("sni = \"canary.*.example.com\""), Self.context(bytes: hello))
        #expect(sni.matched && sni.reason == "sni canary.a.example.com matched canary.*.example.com")
        let alpn = Self.evaluate(try Self.rule("alpn = \"h2\""), Self.context(bytes: hello))
        #expect(alpn.matched && alpn.reason == "alpn h2,http/1.1 offers h2")
        let reading = TLSClientHello.read(hello)
        guard case .clientHello(let parsed) = reading else { Issue.record("not read: \(reading)"); return }
        #expect(parsed.versions == [0x0304, 0x0303])
    }

    @Test("a rate matches a source's first requests in the window, then not, then again after it")
    func rate() throws {
        let rules = try Self.rule("rate = \"5/1s\"")
        var state = RuleState()
        var results: [Bool] = []
        var reasons: [String] = []
        for index in 0..<7 {
            let evaluation = rules.evaluate(Self.context(id: UInt64(index + 1), at: .zero + .milliseconds(index * 10)), mayWait: false, state: &state)
            if case .matched = evaluation.result { results.append(true) } else { results.append(false) }
            reasons.append(evaluation.outcomes.last?.reason ?? "")
        }
        #expect(results == [true, true, true, true, true, false, false])
        #expect(reasons[5] == "rate 6/1s over 5/1s")
        let other = rules.evaluate(Self.context(source: "127.0.0.9", id: 8, at: .zero + .milliseconds(80)), mayWait: false, state: &state)
        #expect(other.result != .noMatch, "another source has its own count")
        let later = rules.evaluate(Self.context(id: 9, at: .zero + .milliseconds(1_500)), mayWait: false, state: &state)
        #expect(later.result != .noMatch, "the window has passed")
        // The same request evaluated again is counted once, in its rate and in the counters.
        var tally = RequestTally()
        for _ in 0..<3 {
            let again = rules.evaluate(Self.context(id: 10, at: .zero + .milliseconds(1_501)), mayWait: false, tally: &tally, state: &state)
            #expect(again.outcomes.last?.reason == "rate 2/1s within 5/1s")
        }
        #expect(state.counters["r"]?.evaluated == 10)
        #expect(state.counters["r"]?.matched == 8)
    }

    @Test("a rule that needs data waits for it only within the inspect delay")
    func waiting() throws {
        let rules = try Self.rule("sni = \"*.example.com\"")
        var state = RuleState()
        let waiting = rules.evaluate(Self.context(data: ""), mayWait: true, state: &state)
        #expect(waiting.outcomes.last?.verdict == .waitingForData)
        #expect(waiting.outcomes.last?.reason == "waiting for the TLS server name")
        let decided = rules.evaluate(Self.context(data: ""), mayWait: false, state: &state)
        #expect(decided.result == .noMatch)
        let notTLS = rules.evaluate(Self.context(data: "GET /"), mayWait: true, state: &state)
        #expect(notTLS.result == .noMatch, "bytes that are not TLS cannot become a ClientHello")
    }

    @Test("globs: * and ? ignore case for names; paths keep case", arguments: [
        ("canary.*.example.com", "CANARY.a.Example.com", true),
        ("canary.*.example.com", "canary.example.com", false),
        ("*", "", true), ("a?c", "abc", true), ("a?c", "ac", false),
        ("*.*.com", "a.b.com", true), ("**x", "yyx", true), ("*x*y", "axbxcy", true),
    ])
    func globs(pattern: String, name: String, matches: Bool) throws {
        #expect(try Glob(pattern).matches(name) == matches)
    }

    @Test("time windows: days, hours, and a night across midnight", arguments: [
        ("Mon-Fri 09:00-18:00", 1, 9 * 60, true), ("Mon-Fri 09:00-18:00", 1, 18 * 60, false),
        ("Mon-Fri 09:00-18:00", 6, 600, false), ("Fri-Mon", 0, 0, true), ("Fri-Mon", 3, 0, false),
        ("Fri 22:00-02:00", 5, 23 * 60, true), ("Fri 22:00-02:00", 6, 60, true), ("Fri 22:00-02:00", 5, 60, false),
        ("00:00-24:00", 3, 1439, true),
    ])
    func timeWindows(window: String, weekday: Int, minute: Int, inside: Bool) throws {
        #expect(try TimeWindow(window).contains(LocalTime(weekday: weekday, minuteOfDay: minute)) == inside)
    }

    @Test("an indexed set of 600 rules decides as testing every rule in order would (seeded)")
    func indexMatchesLinear() throws {
        var random = SeededRandom("RuleMatchingTests.indexMatchesLinear")
        print("seed \(random.seed)")
        var rules: [Rule] = []
        for index in 0..<600 {
            let matcher: Matcher
            switch random.next() % 5 {
            case 0: matcher = .peer([try AddressPrefix.parse("10.\(random.next() % 4).\(random.next() % 4).0/\([8, 16, 24][Int(random.next() % 3)])")])
            case 1: matcher = .listener([.port(8080 + Int(random.next() % 3))])
            case 2: matcher = .sni([try Glob("s\(random.next() % 8).example.com")])
            case 3: matcher = .host([try Glob("*.h\(random.next() % 8).example.com")])
            default: matcher = .peer([try AddressPrefix.parse("fd00:\(random.next() % 4)::/32")])
            }
            let extra: [Matcher] = random.next() % 3 == 0 ? [.not(.peer([try AddressPrefix.parse("10.0.0.0/16")]))] : []
            rules.append(Rule(name: "r\(index)", matchers: [matcher] + extra, action: .decide(.accept)))
        }
        let indexed = RuleSet(rules: rules)
        for round in 0..<500 {
            let source = random.next() % 2 == 0
                ? "10.\(random.next() % 4).\(random.next() % 4).\(random.next() % 250)"
                : "fd00:\(random.next() % 4)::\(random.next() % 99)"
            let data = random.next() % 2 == 0
                ? ClientHellos.make(host: "s\(random.next() % 8).example.com", alpn: [])
                : Array("GET / HTTP/1.1\r\nHost: x.h\(random.next() % 8).example.com\r\n\r\n".utf8)
            let context = Self.context(source: source, bytes: data, final: true, port: 8080 + Int(random.next() % 3))
            var state = RuleState()
            let got = indexed.evaluate(context, mayWait: false, state: &state)
            let expected = rules.first { rule in
                var scratch = RuleState()
                return RuleSet(rules: [rule]).evaluate(context, mayWait: false, state: &scratch).result != .noMatch
            }
            let gotName: String? = if case .matched(let rule) = got.result { rule.name } else { nil }
            #expect(gotName == expected?.name, "round \(round), seed \(random.seed): \(source)")
        }
    }
}
