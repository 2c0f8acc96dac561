import Logging
import NIOCore
import NIOEmbedded
import Testing
@testable import UsherGate
import UsherCore

/// The gate's channel handlers on `EmbeddedChannel`s, as SwiftNIO tests its own: a driver with
/// a real provider core, an embedded event loop for every channel and timer, and an upstream
/// that is one more embedded channel.
@Suite("Gate handlers on embedded channels", .timeLimit(.minutes(1)))
struct GateHandlerTests {
    /// A driver on one embedded loop; `upstream` is what accepted requests connect to.
    struct Fixture {
        let loop = EmbeddedEventLoop()
        let upstream: EmbeddedChannel
        let driver: GateDriver
        let logger = Logger(label: "usher-test") { _ in SwiftLogNoOpLogHandler() }

        init(_ configuration: ProviderConfiguration = ProviderConfiguration()) {
            let upstream = EmbeddedChannel(loop: loop)
            self.upstream = upstream
            let loop = self.loop
            driver = GateDriver(
                core: ProviderCore(configuration: configuration, listeners: [.standard]),
                connectUpstream: { _, _ in loop.makeSucceededFuture(upstream) },
                connectTimeout: .seconds(5), lingerTimeout: .seconds(2), timerLoop: loop, events: EventFanout())
        }

        /// A client connection as the admission handler and the child initializer leave it:
        /// queued, with its pending handler, active.
        func heldClient(port: Int = 40_000) throws -> (EmbeddedChannel, RequestID) {
            let client = EmbeddedChannel(loop: loop)
            client.remoteAddress = try SocketAddress(ipAddress: "192.0.2.7", port: port)
            client.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 8080)
            let id = try #require(driver.arrive(on: ListenerID(0), channel: client).requestID)
            try PendingHandler.install(on: client, driver: driver, logger: logger)
            try client.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
            return (client, id)
        }

        func counters() -> Counters { driver.snapshot().counters }
    }

    static func text(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(buffer: $0) }
    }

    @Test("accept: the caller data reaches the upstream first, then bytes flow both ways")
    func accept() throws {
        let fixture = Fixture()
        let (client, id) = try fixture.heldClient()
        try client.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        #expect(fixture.driver.snapshot().pending.first?.callerData.totalCount == 18)
        #expect(try client.readOutbound(as: ByteBuffer.self) == nil, "nothing reaches the client before the decision")
        try fixture.upstream.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
        try fixture.driver.decide(id, .accept, by: .policy, reason: nil)
        fixture.loop.run()
        #expect(Self.text(try fixture.upstream.readOutbound(as: ByteBuffer.self)) == "GET / HTTP/1.1\r\n\r\n")
        try fixture.upstream.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n"))
        #expect(Self.text(try client.readOutbound(as: ByteBuffer.self)) == "HTTP/1.1 200 OK\r\n\r\n")
        try client.writeInbound(ByteBuffer(string: "more"))
        #expect(Self.text(try fixture.upstream.readOutbound(as: ByteBuffer.self)) == "more")
        #expect(fixture.counters().accepted == 1 && fixture.counters().isConserved)
    }

    @Test("reject: the message, then the connection closes; the request is rejected")
    func rejectWithMessage() throws {
        let fixture = Fixture()
        let (client, id) = try fixture.heldClient()
        let rejection = Rejection(mode: .close, message: Array("busy\n".utf8))
        try fixture.driver.decide(id, .reject(rejection), by: .policy, reason: nil)
        fixture.loop.run()
        #expect(Self.text(try client.readOutbound(as: ByteBuffer.self)) == "busy\n")
        fixture.loop.advanceTime(by: .seconds(3))
        #expect(!client.isActive)
        #expect(fixture.counters().rejected == 1 && fixture.counters().isConserved)
    }

    @Test("reset: nothing is written and the connection closes")
    func reset() throws {
        let fixture = Fixture()
        let (client, id) = try fixture.heldClient()
        try fixture.driver.decide(id, .reject(.reset), by: .policy, reason: nil)
        fixture.loop.run()
        #expect(!client.isActive)
        #expect(try client.readOutbound(as: ByteBuffer.self) == nil)
        #expect(fixture.counters().rejected == 1 && fixture.counters().isConserved)
    }

    @Test("a half-close while undecided is a withdrawal: the core answers with close")
    func halfCloseWithdraws() throws {
        let fixture = Fixture()
        let (client, _) = try fixture.heldClient()
        client.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(fixture.counters().withdrawn == 1)
        fixture.loop.run()
        #expect(!client.isActive)
        #expect(fixture.counters().pending == 0 && fixture.counters().isConserved)
    }

    @Test("with --half-close keep the request stays; once accepted the upstream gets the half-close")
    func halfCloseKept() throws {
        let fixture = Fixture(ProviderConfiguration(halfClose: .keep))
        let (client, id) = try fixture.heldClient()
        try client.writeInbound(ByteBuffer(string: "ping"))
        client.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        fixture.loop.run()
        #expect(client.isActive)
        #expect(fixture.driver.snapshot().pending.first?.callerFinishedSending == true)
        try fixture.upstream.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9000)).wait()
        try fixture.driver.decide(id, .accept, by: .policy, reason: nil)
        fixture.loop.run()
        #expect(Self.text(try fixture.upstream.readOutbound(as: ByteBuffer.self)) == "ping")
        #expect(!fixture.upstream.isActive, "the upstream's output is shut after the caller data")
    }

    @Test("a rejected client that already stopped sending is closed once the reply is out")
    func rejectAfterHalfClose() throws {
        let fixture = Fixture(ProviderConfiguration(halfClose: .keep))
        let (client, id) = try fixture.heldClient()
        client.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        try fixture.driver.decide(id, .reject(Rejection(mode: .close, message: Array("no\n".utf8))), by: .policy, reason: nil)
        fixture.loop.run()
        #expect(Self.text(try client.readOutbound(as: ByteBuffer.self)) == "no\n")
        #expect(!client.isActive, "closed at once, without waiting for the linger timeout")
    }

    @Test("a connection the driver never queued cannot get a pending handler: the error is thrown")
    func installWithoutRequest() throws {
        let fixture = Fixture()
        let stranger = EmbeddedChannel(loop: fixture.loop)
        #expect(throws: PendingHandler.InstallError.self) {
            try PendingHandler.install(on: stranger, driver: fixture.driver, logger: fixture.logger)
        }
    }

    /// The `autoRead` value last set on a channel (EmbeddedChannel keeps the latest of each).
    static func autoRead(_ channel: EmbeddedChannel) -> Bool? {
        channel.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }

    @Test("admission: a full queue pauses and parks; room resumes and offers the parked connection")
    func pauseAndResume() throws {
        let fixture = Fixture(ProviderConfiguration(maxPending: 1))
        let server = EmbeddedChannel(loop: fixture.loop)
        try server.pipeline.syncOperations.addHandler(
            AdmissionHandler(listener: ListenerID(0), driver: fixture.driver, logger: fixture.logger))
        func child(_ port: Int) throws -> EmbeddedChannel {
            let child = EmbeddedChannel(loop: fixture.loop)
            child.remoteAddress = try SocketAddress(ipAddress: "192.0.2.7", port: port)
            return child
        }
        let first = try child(1)
        try server.writeInbound(first as any Channel)
        #expect(try server.readInbound(as: (any Channel).self) === first)
        fixture.loop.run()
        #expect(Self.autoRead(server) == false, "the core's pause")

        let second = try child(2)
        try server.writeInbound(second as any Channel)
        #expect(try server.readInbound(as: (any Channel).self) == nil, "parked, unread")
        #expect(fixture.counters().arrived == 1)

        let id = try #require(fixture.driver.snapshot().pending.first?.id)
        try fixture.driver.decide(id, .reject(.reset), by: .policy, reason: nil)
        fixture.loop.run()
        #expect(try server.readInbound(as: (any Channel).self) === second, "offered again on resume")
        #expect(Self.autoRead(server) == false, "the queue is full again: paused")
        #expect(fixture.counters().arrived == 2 && fixture.counters().isConserved)
    }

    @Test("admission: an action that arrives after a newer one is ignored")
    func staleListenerAction() throws {
        let fixture = Fixture()
        let handler = AdmissionHandler(listener: ListenerID(0), driver: fixture.driver, logger: fixture.logger)
        let server = EmbeddedChannel(handler: handler, loop: fixture.loop)
        handler.perform(.pauseAccepting, order: 2)
        handler.perform(.resumeAccepting, order: 1)
        #expect(Self.autoRead(server) == false, "the older resume is ignored")
        handler.perform(.resumeAccepting, order: 3)
        #expect(Self.autoRead(server) == true)
    }
}
