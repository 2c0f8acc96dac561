#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import UsherGate

/// Why a test client's socket operation failed.
public enum TCPClientError: Error, Equatable, CustomStringConvertible {
    case connectFailed(errno: Int32)
    /// The peer reset the connection (`ECONNRESET`).
    case reset
    case timedOut(String)
    case failed(String, errno: Int32)

    public var description: String {
        switch self {
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .reset: "connection reset by peer"
        case .timedOut(let what): "timed out: \(what)"
        case .failed(let what, let code): "\(what) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// How a connection ended, seen from the client.
public enum CloseKind: Equatable, Sendable {
    /// An orderly close (FIN).
    case eof
    /// A reset (RST).
    case reset
}

/// A real TCP (or Unix stream) client for tests, on SwiftNIO: every operation has a deadline,
/// and waiting is driven by the socket's events, never by polling.
///
/// It reads only while one of its operations waits for bytes, so a client that is not reading
/// leaves the data in the kernel, as a slow reader would, and the sender feels it.
public final class TCPClient: Sendable {
    private let channel: any Channel
    private let reader: NIOLoopBound<ClientReader>

    private init(channel: any Channel, reader: NIOLoopBound<ClientReader>) {
        self.channel = channel
        self.reader = reader
    }

    deinit {
        channel.close(promise: nil)
    }

    /// Connects to an IPv4 or IPv6 literal address.
    public static func connect(to host: String, port: Int, timeout: Duration = .seconds(5)) async throws -> TCPClient {
        try await connect(timeout: timeout) { $0.connect(to: try SocketAddress(ipAddress: host, port: port)) }
    }

    /// Connects to a Unix stream socket (a control socket).
    public static func connect(unixPath: String, timeout: Duration = .seconds(5)) async throws -> TCPClient {
        try await connect(timeout: timeout) { $0.connect(unixDomainSocketPath: unixPath) }
    }

    private static func connect(
        timeout: Duration, _ open: (ClientBootstrap) throws -> EventLoopFuture<any Channel>
    ) async throws -> TCPClient {
        // The reader is kept from the start: a connection reset at once has no handlers left to find.
        let installed = NIOLockedValueBox<NIOLoopBound<ClientReader>?>(nil)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout.timeAmount)
            .channelOption(.autoRead, value: false)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let reader = ClientReader()
                    try channel.pipeline.syncOperations.addHandler(reader)
                    installed.withLockedValue { $0 = NIOLoopBound(reader, eventLoop: channel.eventLoop) }
                }
            }
        let channel: any Channel
        do {
            channel = try await open(bootstrap).get()
        } catch let error as IOError {
            throw TCPClientError.connectFailed(errno: error.errnoCode)
        } catch ChannelError.connectTimeout {
            throw TCPClientError.timedOut("connect")
        }
        guard let reader = installed.withLockedValue({ $0 }) else { throw TCPClientError.timedOut("connect") }
        return TCPClient(channel: channel, reader: reader)
    }

    /// The local port the kernel picked.
    public var localPort: Int { channel.localAddress?.port ?? 0 }

    /// Sends every byte (waits until the kernel has taken them).
    public func send(_ bytes: [UInt8], timeout: Duration = .seconds(30)) async throws {
        let written: EventLoopFuture<Void> = channel.writeAndFlush(ByteBuffer(bytes: bytes))
        try await Self.within(timeout, "send \(bytes.count) bytes", written, on: channel.eventLoop)
    }

    public func send(_ text: String, timeout: Duration = .seconds(30)) async throws {
        try await send(Array(text.utf8), timeout: timeout)
    }

    /// Half-closes: no more sending (FIN), still receiving.
    public func shutdownWrite() {
        channel.close(mode: .output, promise: nil)
    }

    /// Reads one line (without its newline), or `nil` when the peer closed first.
    public func readLine(timeout: Duration = .seconds(30)) async throws -> String? {
        try await wait("read a line", timeout: timeout) { $0.line() }
    }

    /// Reads until the peer closes; throws ``TCPClientError/reset`` on a reset.
    public func readToEnd(timeout: Duration = .seconds(30)) async throws -> [UInt8] {
        try await wait("read to end", timeout: timeout) { try $0.everythingOnceEnded() }
    }

    /// Reads until at least `count` bytes arrived (or the peer closes).
    public func read(atLeast count: Int, timeout: Duration = .seconds(30)) async throws -> [UInt8] {
        try await wait("read \(count) bytes", timeout: timeout) { try $0.take(atLeast: count) }
    }

    /// Sends `payload` while reading whatever comes back, optionally half-closes after the last
    /// byte, and returns everything received until the peer closes.
    public func exchange(
        _ payload: [UInt8], halfCloseAfterSending: Bool, timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        let channel = self.channel
        let written: EventLoopFuture<Void> = channel.writeAndFlush(ByteBuffer(bytes: payload))
        if halfCloseAfterSending {
            written.whenSuccess { channel.close(mode: .output, promise: nil) }
        }
        return try await readToEnd(timeout: timeout)
    }

    /// Waits until the peer ends the connection and says how.
    public func waitForClose(timeout: Duration = .seconds(30)) async throws -> CloseKind {
        do {
            _ = try await readToEnd(timeout: timeout)
            return .eof
        } catch TCPClientError.reset {
            return .reset
        }
    }

    /// `true` when nothing arrives and the peer does not close for `window`: what a client sees
    /// of a request still held.
    public func staysQuiet(for window: Duration) async throws -> Bool {
        do {
            return try await wait("anything", timeout: window) { $0.hasNews ? false : nil }
        } catch TCPClientError.timedOut {
            return true
        }
    }

    /// Closes abortively: the peer sees a reset.
    public func reset() {
        let channel = self.channel
        guard let options = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
        options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Closes in order (FIN).
    public func close() {
        channel.close(promise: nil)
    }

    // MARK: Waiting

    /// Waits, on the channel's loop, until `take` has an answer (reading meanwhile).
    private func wait<Result: Sendable>(
        _ what: String, timeout: Duration, _ take: @escaping @Sendable (inout ClientReader.Received) throws -> Result?
    ) async throws -> Result {
        let reader = self.reader
        let loop = channel.eventLoop
        let answer = loop.flatSubmit { reader.value.wait(what, timeout: timeout, take) }
        return try await answer.get()
    }

    private static func within(
        _ timeout: Duration, _ what: String, _ future: EventLoopFuture<Void>, on loop: any EventLoop
    ) async throws {
        let promise = loop.makePromise(of: Void.self)
        let timer = loop.scheduleTask(in: timeout.timeAmount) {
            promise.fail(TCPClientError.timedOut(what))
        }
        future.whenComplete { result in
            timer.cancel()
            promise.completeWith(result.mapError(ClientReader.translate))
        }
        try await promise.futureResult.get()
    }
}

/// The client's handler: keeps what arrived, how the connection ended, and the one operation
/// waiting; asks for more bytes only while an operation waits.
final class ClientReader: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// What has arrived, and how the connection ended.
    struct Received {
        var bytes: [UInt8] = []
        var end: End?
        /// Set when anything happened since the last look.
        var hasNews = false

        enum End {
            case eof
            case failed(any Error)
        }

        /// The next line, `nil` (not yet) or `.some(nil)` (closed first).
        mutating func line() -> String?? {
            if let newline = bytes.firstIndex(of: 0x0A) {
                defer { bytes.removeSubrange(...newline) }
                return .some(String(decoding: bytes[..<newline], as: UTF8.self))
            }
            return end == nil ? nil : .some(nil)
        }

        mutating func everythingOnceEnded() throws -> [UInt8]? {
            guard let end else { return nil }
            if case .failed(let error) = end { throw error }
            defer { bytes = [] }
            return bytes
        }

        mutating func take(atLeast count: Int) throws -> [UInt8]? {
            guard bytes.count >= count || end != nil else { return nil }
            if bytes.count < count, case .failed(let error) = end { throw error }
            defer { bytes = [] }
            return bytes
        }
    }

    private struct Waiter {
        let check: (inout Received) -> Bool
        let timer: Scheduled<Void>
    }

    private var received = Received()
    private var waiter: Waiter?
    private var context: ChannelHandlerContext?
    /// The channel's loop, kept after the handler is removed (the channel closed).
    private var eventLoop: (any EventLoop)?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.eventLoop = context.eventLoop
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Completes once `take` answers, reading meanwhile; fails after `timeout`.
    func wait<Result: Sendable>(
        _ what: String, timeout: Duration, _ take: @escaping @Sendable (inout Received) throws -> Result?
    ) -> EventLoopFuture<Result> {
        guard let eventLoop else { return MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(TCPClientError.reset) }
        let promise = eventLoop.makePromise(of: Result.self)
        received.hasNews = false
        let check: (inout Received) -> Bool = { received in
            do {
                guard let answer = try take(&received) else { return false }
                promise.succeed(answer)
            } catch {
                promise.fail(error)
            }
            return true
        }
        if check(&received) { return promise.futureResult }
        guard let context else {
            // Closed, and the answer needs more than arrived: it never will.
            promise.fail(TCPClientError.failed("\(what): the connection closed", errno: ENOTCONN))
            return promise.futureResult
        }
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout.timeAmount) { [weak self] in
            self?.waiter = nil
            promise.fail(TCPClientError.timedOut("\(what) (\(self?.received.bytes.count ?? 0) bytes so far)"))
        }
        waiter = Waiter(check: check, timer: timer)
        if received.end == nil { context.read() }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.bytes.append(contentsOf: unwrapInboundIn(data).readableBytesView)
        received.hasNews = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        settle()
        if waiter != nil, received.end == nil { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { finish(.eof) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failed(Self.translate(error)))
        context.close(promise: nil)
    }

    private func finish(_ end: Received.End) {
        if received.end == nil { received.end = end }
        received.hasNews = true
        settle()
    }

    /// Gives the waiting operation its answer, if it has one now.
    private func settle() {
        guard let current = waiter, current.check(&received) else { return }
        current.timer.cancel()
        waiter = nil
    }

    /// The test client's error for a socket error.
    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? IOError else { return error }
        switch error.errnoCode {
        case ECONNRESET, EPIPE: return TCPClientError.reset
        default: return TCPClientError.failed(error.description, errno: error.errnoCode)
        }
    }
}
