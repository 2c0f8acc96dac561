import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing
import UsherTestSupport
#if canImport(Glibc)
import Glibc
#endif
@testable import UsherControl
import UsherCore
import UsherWire

/// A provider without sockets: a provider core behind a lock, for the control plane's handlers.
final class CoreProvider: Provider {
    private let core: Mutex<ProviderCore>
    let providerConfiguration = ProviderConfiguration()

    init() {
        core = Mutex(ProviderCore(configuration: ProviderConfiguration(), listeners: [.standard]))
    }

    /// Queues one request and returns its ID.
    func arrive() -> RequestID? {
        core.withLock { core in
            let (outcome, _) = core.arrive(
                on: ListenerID(0), peer: Endpoint(host: "192.0.2.7", port: 40_000),
                local: Endpoint(host: "127.0.0.1", port: 8080), at: .now)
            if case .queued(let id) = outcome { return id }
            return nil
        }
    }

    func snapshot(includingPending: Bool) -> GateSnapshot {
        core.withLock { core in
            GateSnapshot(
                counters: core.counters, listeners: core.listeners, connections: core.connectionCount,
                pending: includingPending ? core.pendingRequests : [], at: .now, lastEventSequence: 0)
        }
    }

    func decide(
        _ id: RequestID, _ decision: Decision, by decider: Decider, reason: String?, extendingTimeout: Bool
    ) throws(LifecycleError) {
        _ = try core.withLock { core throws(LifecycleError) in
            try core.decide(id, decision, by: decider, reason: reason, extendingTimeout: extendingTimeout, at: .now)
        }
    }

    func request(_ id: RequestID) -> Request? {
        core.withLock { $0.request(id) }
    }

    func rulesInForce() -> RulesInForce {
        core.withLock { RulesInForce(remembered: $0.remembered, rules: $0.rules, counters: $0.ruleState.counters, at: .now) }
    }

    func replaceRules(_ rules: RuleSet, file: String?, applyPending: Bool) {
        core.withLock { _ = $0.replaceRules(rules, file: file, applyPending: applyPending, at: .now) }
    }

    func refuseRules(reason: String, file: String?) {}

    func remember(_ rule: Rule) {
        core.withLock { _ = $0.remember(rule, at: .now) }
    }

    func forget(_ name: String) -> Bool {
        core.withLock { $0.forget(name, at: .now) != nil }
    }

    func observe(_ observer: @escaping @Sendable (GateEvent) -> Void, demand: EventDemand) {}
}

/// The control plane's line decoder and connection handler on `EmbeddedChannel`s.
@Suite("Control handlers on embedded channels", .timeLimit(.minutes(1)))
struct ControlHandlerTests {
    static func channel(maximum: Int = ControlProtocol.maximumRequestLine) throws -> (EmbeddedChannel, CoreProvider) {
        let provider = CoreProvider()
        let service = ControlService(provider: provider, version: "test")
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers(
            ByteToMessageHandler(BoundedLineDecoder(maximum: maximum)),
            ControlConnectionHandler(
                service: service, hub: SubscriberHub(service: service), peer: PeerCredentials(pid: 1, uid: 0, gid: 0),
                role: .operator, queueCapacity: 16, logger: Logger(label: "usher-test") { _ in SwiftLogNoOpLogHandler() }))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/tmp/control.sock")).wait()
        return (channel, provider)
    }

    /// Every line the handler wrote, decoded.
    static func replies(_ channel: EmbeddedChannel) throws -> [ControlLine] {
        var lines: [ControlLine] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            for line in buffer.readableBytesView.split(separator: UInt8(ascii: "\n")) {
                lines.append(try ControlLine.decode(line))
            }
        }
        return lines
    }

    /// The lines a decoder passes on for `chunks`, then the end of input.
    static func decoded(_ chunks: [String], maximum: Int) throws -> [String] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(BoundedLineDecoder(maximum: maximum)))
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        var seen: [String] = []
        while let line = try channel.readInbound(as: ReceivedLine.self) {
            switch line {
            case .line(let bytes): seen.append(String(buffer: bytes))
            case .tooLong(let count): seen.append("<\(count) bytes>")
            case .unterminated(let count): seen.append("<\(count) unterminated>")
            }
        }
        return seen
    }

    @Test("the decoder splits lines, bounds them, and never passes on bytes no newline ended")
    func decoder() throws {
        #expect(try Self.decoded(["a\nb", "c\r\n", "\n"], maximum: 10) == ["a", "bc", ""])
        #expect(try Self.decoded(["0123456789ABCDEF", "GHIJ", "K\nok\n"], maximum: 8) == ["<21 bytes>", "ok"])
        #expect(try Self.decoded(["ok\n{\"op\":", "\"hello\"}"], maximum: 64) == ["ok", "<14 unterminated>"])
        #expect(try Self.decoded(["ok\n  \r"], maximum: 64) == ["ok"], "trailing blanks are not a request")
        #expect(try Self.decoded(["ok\n0123456789"], maximum: 8) == ["ok", "<10 unterminated>"])
    }

    @Test("a request, then a half-close: the answer, then the close")
    func halfCloseAfterRequest() throws {
        let (channel, provider) = try Self.channel()
        let id = try #require(provider.arrive())
        try channel.writeInbound(ByteBuffer(string: #"{"v":1,"id":1,"op":"decide","ids":["\#(id)"],"decision":"accept"}"# + "\n"))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        (channel.eventLoop as? EmbeddedEventLoop)?.run()
        let replies = try Self.replies(channel)
        #expect(replies.count == 1)
        guard case .decided(let results)? = replies.first?.message else {
            Issue.record("expected a decided answer, got \(replies)")
            return
        }
        #expect(results.map(\.ok) == [true])
        #expect(provider.snapshot(includingPending: true).counters.accepted == 0, "admitting until connected")
        #expect(provider.snapshot(includingPending: true).pending.first?.state == .admitting(timedOut: false))
        #expect(!channel.isActive, "closed once the answer was written")
    }

    @Test("a request without its newline, then a half-close: not executed, one error, the close")
    func unterminatedRequest() throws {
        let (channel, provider) = try Self.channel()
        let id = try #require(provider.arrive())
        try channel.writeInbound(ByteBuffer(string: #"{"v":1,"id":1,"op":"decide","ids":["\#(id)"],"decision":"accept"}"#))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        (channel.eventLoop as? EmbeddedEventLoop)?.run()
        let replies = try Self.replies(channel)
        guard case .error(let error)? = replies.first?.message, replies.count == 1 else {
            Issue.record("expected one error, got \(replies)")
            return
        }
        #expect(error.code == .unterminatedLine)
        #expect(provider.snapshot(includingPending: true).pending.first?.state == .pending, "nothing was decided")
        #expect(!channel.isActive)
    }

    @Test("bad lines get one error each, with the id when it can be read; the connection stays")
    func badLines() throws {
        let (channel, _) = try Self.channel(maximum: 64)
        try channel.writeInbound(ByteBuffer(string: "not json\n"))
        try channel.writeInbound(ByteBuffer(string: #"{"v":1,"id":7,"op":"nope"}"# + "\n"))
        try channel.writeInbound(ByteBuffer(string: #"{"v":1,"id":8,"op":"hello","x":[[[[[[[[[[]]]]]]]]]]}"# + "\n"))
        try channel.writeInbound(ByteBuffer(string: "   \n"))
        try channel.writeInbound(ByteBuffer(string: #"{"v":1,"id":"h","op":"hello"}"# + "\n"))
        let replies = try Self.replies(channel)
        let codes: [ControlError.Code?] = replies.map { line in
            if case .error(let error) = line.message { return error.code }
            return nil
        }
        #expect(codes == [.badJSON, .unknownOperation, nil, nil], "ten levels deep is within the limit")
        #expect(replies[1].id == .number(7))
        #expect(replies.last?.id == .text("h"))
        #expect(channel.isActive)
    }

    @Test("a line over the length limit, or nested too deep: one error, then the close; nothing after it is read",
          arguments: [
            String(repeating: "x", count: 100),
            #"{"id":1,"op":"hello","x":"# + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000) + "}",
          ])
    func fatalLines(line: String) throws {
        let (channel, provider) = try Self.channel(maximum: line.count > 1000 ? 1 << 20 : 64)
        let id = try #require(provider.arrive())
        try channel.writeInbound(ByteBuffer(string: line + "\n" + #"{"v":1,"id":2,"op":"decide","ids":["\#(id)"],"decision":"accept"}"# + "\n"))
        (channel.eventLoop as? EmbeddedEventLoop)?.run()
        let replies = try Self.replies(channel)
        guard case .error(let error)? = replies.first?.message, replies.count == 1 else {
            Issue.record("expected one error, got \(replies)")
            return
        }
        #expect([.lineTooLong, .tooDeep].contains(error.code))
        #expect(error.message.hasSuffix("closing the connection"))
        #expect(provider.snapshot(includingPending: true).pending.first?.state == .pending, "the line after it was not read")
        #expect(!channel.isActive)
    }
}

@Suite("Control socket lock", .timeLimit(.minutes(1)))
struct ControlSocketLockTests {
    @Test("while one daemon holds the path's lock, a second cannot prepare it, even before the first has bound")
    func secondDaemonRefused() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/control.sock"
        let first = try ControlSocketFile.prepare(path)
        #expect(throws: ControlSocketFile.Failure.inUse(path, pid: getpid())) { try ControlSocketFile.prepare(path) }
        first.lock.release()
        #expect(access(path + ".lock", F_OK) != 0, "the lock file is removed with the lock")
        let again = try ControlSocketFile.prepare(path)
        again.lock.release()
    }
}
