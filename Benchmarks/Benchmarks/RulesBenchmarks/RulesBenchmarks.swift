import Benchmark
import UsherCore
import UsherRulesFile

/// The cost of the conditions per request: a request against 1,000 mixed rules (CIDR, exact and
/// wildcard names, regex), and against 10,000 remembered peers. The target is a p50 of 10 µs or
/// less per request.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(3))

    let mixed = (try? RulesFile.parse(MixedRules.toml, file: "mixed.toml")) ?? .empty
    precondition(mixed.rules.count == 1_000, "the rules file was refused")
    let now = Moment(nanoseconds: 1)
    let peers = (0..<10_000).compactMap { index -> Rule? in
        guard let network = try? AddressPrefix.parse("10.\(index / 250).\(index % 250).7") else { return nil }
        return Rule(name: "peer:10.\(index / 250).\(index % 250).7", matchers: [.peer([network])],
                    action: .decide(.accept), expires: .at(now + .seconds(3600)), origin: "remembered")
    }
    let remembered = RuleSet(rules: peers, recordsMisses: false)
    precondition(remembered.rules.count == 10_000)
    let contexts = MixedRules.requests()
    let batch = 1_000

    // Each sample evaluates `batch` requests: the time per request is the figure divided by 1,000.
    func evaluate(_ rules: RuleSet, _ benchmark: Benchmark) {
        var state = RuleState()
        benchmark.startMeasurement()
        for iteration in 0..<batch {
            blackHole(rules.evaluate(contexts[iteration % contexts.count], mayWait: false, state: &state))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("1,000 requests against 1,000 mixed rules") { evaluate(mixed, $0) }
    Benchmark("1,000 requests against 10,000 remembered peers") { evaluate(remembered, $0) }

    /// Arrival, caller data, a decision and the close of `batch` requests, as the gate drives the core.
    func throughCore(_ core: inout ProviderCore, _ benchmark: Benchmark) {
        let local = Endpoint(host: "127.0.0.1", port: 8080)
        benchmark.startMeasurement()
        for iteration in 0..<batch {
            let context = contexts[iteration % contexts.count]
            let (outcome, _) = core.arrive(on: ListenerID(0), peer: Endpoint(host: context.source, port: 40_000), local: local, at: now)
            guard case .queued(let id) = outcome else { continue }
            blackHole(try? core.received(context.data.bytes, for: id, at: now))
            blackHole(try? core.decide(id, .reject(.close), by: .policy, at: now))
            blackHole(core.connectionClosed(id, at: now))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("1,000 requests through the core: 10,000 remembered, 1,000 rules, caller data") { benchmark in
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [.standard], rules: mixed)
        core.restoreRemembered(peers)
        throughCore(&core, benchmark)
    }

    Benchmark("1,000 requests through the core: no rules (the policy), caller data") { benchmark in
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [.standard])
        throughCore(&core, benchmark)
    }
}

/// A rules file like a large site's: peers by network, exact and wildcard names, regexes tied to
/// a port, paths, a time window; and requests from many sources with HTTP or TLS data.
enum MixedRules {
    static let toml: String = {
        var text = ""
        func rule(_ name: String, _ body: String) { text += "[[rule]]\nname = \"\(name)\"\n\(body)\n" }
        for index in 0..<400 {
            let network = index % 4 == 0 ? "172.\(16 + index % 16).\(index / 16).0/24" : "192.168.\(index % 250).\(index / 250 * 16)/28"
            rule("net-\(index)", "peer = \"\(network)\"\naction = \"\(index % 3 == 0 ? "reject" : "accept")\"")
        }
        for index in 0..<100 {
            rule("v6-\(index)", "peer = \"2001:db8:\(String(index, radix: 16))::/48\"\naction = \"accept\"")
        }
        for index in 0..<200 {
            rule("sni-\(index)", "sni = \"api-\(index).example.com\"\naction = \"accept\"")
        }
        for index in 0..<100 {
            rule("host-\(index)", "host = \"shop-\(index).example.org\"\npath = \"/checkout/*\"\naction = \"accept\"")
        }
        for index in 0..<100 {
            rule("regex-\(index)", "listener = \(20_000 + index)\ndata_regex = \"User-Agent: bot-\(index)[0-9]+\"\naction = \"reject\"")
        }
        for index in 0..<80 {
            rule("wild-\(index)", "peer = \"198.18.\(index).0/24\"\nsni = \"*.tenant-\(index).example.net\"\naction = \"accept\"")
        }
        for index in 0..<20 {
            rule("window-\(index)", "peer = \"100.64.\(index).0/24\"\ntime = \"Mon-Fri 09:00-18:00\"\naction = \"ask\"")
        }
        return text + "[default]\naction = \"ask\"\n"
    }()

    /// 256 requests: most match no rule (the default decides after every candidate is tested),
    /// some a network, a name or a regex.
    static func requests() -> [RuleContext] {
        let local = Endpoint(host: "127.0.0.1", port: 8080)
        return (0..<256).map { index in
            let source = switch index % 4 {
            case 0: "203.0.113.\(index % 250)"
            case 1: "192.168.\(index % 250).\(index % 16)"
            case 2: "2001:db8:\(String(index % 120, radix: 16))::\(index)"
            default: "10.\(index % 40).\(index % 250).7"
            }
            let data = index % 2 == 0
                ? Array("GET /checkout/\(index) HTTP/1.1\r\nHost: shop-\(index % 150).example.org\r\nUser-Agent: curl/8.0\r\n\r\n".utf8)
                : ClientHello.naming("api-\(index % 300).example.com")
            return RuleContext(
                request: RequestID(UInt64(index + 1)), listener: ListenerID(0), listenerEndpoint: local, local: local,
                source: source, data: CallerData(bytes: data), dataIsFinal: false,
                localTime: LocalTime(weekday: 2, minuteOfDay: 600), connectionsFromSource: 1, now: Moment(nanoseconds: 1))
        }
    }
}

/// A minimal TLS 1.2 ClientHello naming a server.
enum ClientHello {
    static func naming(_ host: String) -> [UInt8] {
        let name = Array(host.utf8)
        let serverName: [UInt8] = [0x00] + be16(name.count) + name
        let extensionBody: [UInt8] = be16(serverName.count) + serverName
        let extensions: [UInt8] = [0x00, 0x00] + be16(extensionBody.count) + extensionBody
        var hello: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [0x00]
        hello += be16(2) + [0x00, 0x2f] + [0x01, 0x00] + be16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + be16(hello.count) + hello
        return [0x16, 0x03, 0x01] + be16(handshake.count) + handshake
    }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
}
