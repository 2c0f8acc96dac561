import NIOCore
import NIOPosix
import UsherCore
import UsherWire

/// A connection to a daemon's control socket, for one task at a time.
///
/// ```swift
/// try await ControlClient.withConnection(to: path) { connection in
///     let hello = try await connection.hello()
///     let results = try await connection.decide(DecideOperation(ids: ["r1"], selector: nil, decision: .accept))
/// }
/// ```
public final class ControlClient {
    private var inbound: NIOAsyncChannelInboundStream<ReceivedLine>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var lastID = 0

    private init(
        inbound: NIOAsyncChannelInboundStream<ReceivedLine>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Connects to `path`, runs `body`, and closes.
    public static func withConnection<Result: Sendable>(
        to path: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (ControlClient) async throws -> Result
    ) async throws -> Result {
        let channel = try await connect(to: path, group: group)
        return try await channel.executeThenClose { inbound, outbound in
            try await body(ControlClient(inbound: inbound.makeAsyncIterator(), outbound: outbound))
        }
    }

    private static func connect(
        to path: String, group: any EventLoopGroup
    ) async throws(ControlClientError) -> NIOAsyncChannel<ReceivedLine, ByteBuffer> {
        do {
            return try await ClientBootstrap(group: group).connect(unixDomainSocketPath: path) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(BoundedLineDecoder(maximum: ControlProtocol.maximumMessageLine)))
                    return try NIOAsyncChannel<ReceivedLine, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        } catch let error as IOError {
            throw .unreachable(path: path, reason: ControlClientError.connectReason(errno: error.errnoCode))
        } catch {
            throw .unreachable(path: path, reason: "\(error)")
        }
    }

    // MARK: Requests

    public func hello() async throws -> WireHello {
        guard case .hello(let hello) = try await request(.hello) else { throw unexpected("hello") }
        return hello
    }

    /// `host`: every TCP listener of the host too, in ``WireSnapshot/host``.
    public func snapshot(host: Bool = false) async throws -> WireSnapshot {
        guard case .snapshot(let snapshot) = try await request(.snapshot(host: host)) else { throw unexpected("snapshot") }
        return snapshot
    }

    public func stats() async throws -> WireStats {
        guard case .stats(let stats) = try await request(.stats) else { throw unexpected("stats") }
        return stats
    }

    public func decide(_ operation: DecideOperation) async throws -> [WireDecision] {
        guard case .decided(let results) = try await request(.decide(operation)) else { throw unexpected("decided") }
        return results
    }

    /// `rules`, `reload` or `forget`: the rules in force afterwards.
    public func rules(_ operation: ControlOperation = .rules) async throws -> WireRules {
        guard case .rules(let rules) = try await request(operation) else { throw unexpected("rules") }
        return rules
    }

    /// A page of the daemon's journal.
    public func journal(_ page: JournalPageRequest) async throws -> WireJournalPage {
        guard case .journal(let rows) = try await request(.journal(page)) else { throw unexpected("journal") }
        return rows
    }

    /// Subscribes: returns the snapshot; read the events that follow with ``next()``.
    /// `host`: the host's listeners in the snapshot, and a `host` event at each sample.
    public func subscribe(host: Bool = false) async throws -> WireSnapshot {
        guard case .snapshot(let snapshot) = try await request(.subscribe(host: host)) else { throw unexpected("snapshot") }
        return snapshot
    }

    /// Sends a request and waits for its answer; an error answer is thrown as
    /// ``ControlClientError/refused(_:)``.
    public func request(_ operation: ControlOperation) async throws -> ControlMessage {
        lastID += 1
        let id = MessageID.number(lastID)
        do {
            try await send(ControlRequest(id: id, operation: operation).encodedLine())
        } catch {
            // The daemon may have refused this peer and closed already: its reason is in the
            // lines it sent before closing.
            while let line = try? await next() {
                if case .error(let refusal) = line.message { throw ControlClientError.refused(refusal) }
            }
            throw ControlClientError.closed(reason: nil)
        }
        while let line = try await next() {
            if case .error(let error) = line.message, line.id == id || line.id == nil { throw ControlClientError.refused(error) }
            if case .bye(let bye) = line.message { throw ControlClientError.closed(reason: bye.reason) }
            if line.id == id { return line.message }
        }
        throw ControlClientError.closed(reason: nil)
    }

    /// Sends raw bytes (a line the caller built).
    public func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// The next line from the daemon, or `nil` when it closed the connection.
    public func next() async throws -> ControlLine? {
        guard let received = try await inbound.next() else { return nil }
        switch received {
        case .tooLong(let count):
            throw ControlClientError.badMessage("a line of \(count) bytes is longer than this client reads")
        case .unterminated(let count):
            throw ControlClientError.badMessage("the connection ended inside a line (\(count) bytes without a newline)")
        case .line(let bytes):
            do {
                return try ControlLine.decode(bytes)
            } catch {
                throw ControlClientError.badMessage("\(error)")
            }
        }
    }

    private func unexpected(_ type: String) -> ControlClientError {
        .badMessage("expected a '\(type)' answer")
    }
}
