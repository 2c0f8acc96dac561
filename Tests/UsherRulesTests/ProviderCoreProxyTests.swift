import Testing
@testable import UsherCore
import UsherRulesFile

/// The provider core with `--proxy-protocol-from`: a trusted proxy's request waits for its
/// header, the rules see the original source, and nothing reaches an upstream without it.
@Suite("Provider core with the PROXY protocol", .timeLimit(.minutes(1)))
struct ProviderCoreProxyTests {
    static let listener = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))
    static let rules = """
        [[rule]]
        name = "scanner"
        peer = "203.0.113.0/24"
        action = "reject"
        message = "go away"
        [default]
        action = "ask"
        """

    static func core(timeoutAction: TimeoutAction = .reject) throws -> ProviderCore {
        ProviderCore(
            configuration: ProviderConfiguration(
                policy: .ask, timeoutAction: timeoutAction, proxyProtocolFrom: [try AddressPrefix.parse("127.0.0.0/8")]),
            listeners: [listener], rules: try RulesFile.parse(rules, file: "t.toml"))
    }

    static func arrive(_ core: inout ProviderCore, from host: String = "127.0.0.1") throws -> RequestID {
        let (outcome, _) = core.arrive(
            on: ListenerID(0), peer: Endpoint(host: host, port: 40_000), local: listener.endpoint, at: .zero)
        guard case .queued(let id) = outcome else { throw CoreRefused() }
        return id
    }

    struct CoreRefused: Error {}

    static let v1 = Array("PROXY TCP4 203.0.113.7 127.0.0.1 56324 8080\r\n".utf8)

    @Test("a trusted proxy's request waits for its header; then the rules see the original source")
    func waitsThenOriginalSource() throws {
        var core = try Self.core()
        let id = try Self.arrive(&core)
        #expect(core.request(id)?.isAwaitingProxyHeader == true)
        #expect(core.request(id)?.outcomes.map(\.verdict) == [.waitingForData])
        var output = try core.received(Self.v1.prefix(20), for: id, at: .zero + .milliseconds(1))
        #expect(output.actions.isEmpty)
        output = try core.received(Self.v1.dropFirst(20) + Array("GET / HTTP/1.1\r\n".utf8), for: id, at: .zero + .milliseconds(2))
        #expect(output.actions.first == .connection(id, .stripProxyHeader(length: Self.v1.count)))
        #expect(output.actions.contains(.connection(id, .reject(Rejection(mode: .close, message: Array("go away".utf8))))))
        let request = try #require(core.request(id))
        #expect(request.source == "203.0.113.7")
        #expect(request.proxiedSource == Endpoint(host: "203.0.113.7", port: 56324))
        #expect(request.decider == .rule("scanner"))
        #expect(request.outcomes.first?.reason == "peer 203.0.113.7 in 203.0.113.0/24")
        #expect(request.callerData.bytes == Array("GET / HTTP/1.1\r\n".utf8))
    }

    @Test("the header and the client's bytes in one read: stripped, and the client's bytes kept")
    func oneRead() throws {
        var core = try Self.core()
        let id = try Self.arrive(&core)
        let v2: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C,
                           198, 51, 100, 9, 127, 0, 0, 1, 0x30, 0x39, 0x1F, 0x90]
        let output = try core.received(v2 + Array("hello".utf8), for: id, at: .zero)
        #expect(output.actions == [.connection(id, .stripProxyHeader(length: 28))])
        #expect(core.request(id)?.source == "198.51.100.9")
        #expect(core.request(id)?.outcomes.map(\.condition) == ["scanner", "default"])
        #expect(core.request(id)?.callerData.bytes == Array("hello".utf8))
        #expect(core.request(id)?.callerData.totalCount == 5)
    }

    @Test("a bad header closes the connection with the reason, and no rule is evaluated")
    func badHeader() throws {
        var core = try Self.core()
        let id = try Self.arrive(&core)
        let output = try core.received(Array("GET / HTTP/1.1\r\n".utf8), for: id, at: .zero)
        #expect(output.actions == [.connection(id, .reject(.close))])
        let request = try #require(core.request(id))
        #expect(request.decider == .proxyProtocol)
        #expect(request.outcomes.last?.reason == "the connection does not start with a PROXY header (v1 or v2)")
        #expect(!request.outcomes.contains { $0.condition == "scanner" })
    }

    @Test("no header in time: closed, even when the pending timeout would accept")
    func headerTimeout() throws {
        var core = try Self.core(timeoutAction: .accept)
        let id = try Self.arrive(&core)
        let output = core.advance(to: .zero + .seconds(5))
        #expect(output.actions == [.connection(id, .reject(.close))])
        #expect(core.request(id)?.outcomes.last?.reason == "no complete PROXY header within 5s")
        var stopping = try Self.core(timeoutAction: .accept)
        let other = try Self.arrive(&stopping)
        #expect(stopping.shutDown(at: .zero).actions == [.connection(other, .reject(.close))])
    }

    @Test("an operator can reject a request awaiting its header, not accept or defer it")
    func operatorWhileAwaiting() throws {
        var core = try Self.core()
        let id = try Self.arrive(&core)
        let person = Decider.operator(Operator(pid: 1))
        #expect(throws: LifecycleError.awaitingProxyHeader(id)) { try core.decide(id, .accept, by: person, at: .zero) }
        #expect(throws: LifecycleError.awaitingProxyHeader(id)) {
            try core.decide(id, .deferral(.seconds(5)), by: person, at: .zero)
        }
        let output = try core.decide(id, .reject(.reset), by: person, at: .zero)
        #expect(output.actions == [.connection(id, .reject(.reset))])
    }

    @Test("a peer not trusted is never read as a proxy: its PROXY line is caller data")
    func untrusted() throws {
        var core = try Self.core()
        let id = try Self.arrive(&core, from: "192.0.2.50")
        #expect(core.request(id)?.isAwaitingProxyHeader == false)
        _ = try core.received(Self.v1, for: id, at: .zero)
        #expect(core.request(id)?.source == "192.0.2.50")
        #expect(core.request(id)?.callerData.bytes == Self.v1)
    }

    @Test("concurrent connections count under the original source")
    func concurrentBySource() throws {
        var core = try Self.core()
        _ = core.replaceRules(try RulesFile.parse("""
            [[rule]]
            name = "crowd"
            concurrent = 100
            action = "ask"

            """ + Self.rules, file: "t.toml"), applyPending: false, at: .zero)
        let first = try Self.arrive(&core)
        let second = try Self.arrive(&core)
        _ = try core.received(Self.v1, for: first, at: .zero)
        _ = try core.received(Array("PROXY TCP4 198.51.100.1 127.0.0.1 1 2\r\n".utf8), for: second, at: .zero)
        #expect(core.connectionsBySource["203.0.113.7"] == 1)
        #expect(core.connectionsBySource["198.51.100.1"] == 1)
        #expect(core.connectionsBySource["127.0.0.1"] == nil)
    }
}
