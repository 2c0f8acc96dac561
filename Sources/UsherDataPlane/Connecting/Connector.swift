import CEpoll
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking connect to an upstream on a loop: the socket is registered once, and the same
/// registration then serves the relay (``EventLoop/adopt(_:tag:handler:)``). Ends with the
/// connected socket, or the reason it failed (refused, unreachable, timed out).
public final class Connector: ReadinessHandler {
    private let loop: EventLoop
    private var descriptor: Int32
    private var timer: EventLoop.TimerID?
    /// Where it connects (for the message of a timeout).
    private let upstream: SocketAddress
    private var completion: ((Result<Connected, DataPlaneError>) -> Void)?

    /// A connected upstream socket, and the events that told so.
    public struct Connected: Sendable {
        public let descriptor: Int32
        public let events: UInt32
        /// The upstream sent bytes or its end already.
        public var readable: Bool { events & (usher_epollin | usher_epollrdhup) != 0 }
    }

    /// Starts connecting to `upstream`; `completion` runs on the loop, once.
    @discardableResult
    public init(
        to upstream: SocketAddress, timeout: Duration, loop: EventLoop,
        completion: @escaping (Result<Connected, DataPlaneError>) -> Void
    ) {
        self.loop = loop
        self.descriptor = -1
        self.completion = completion
        self.upstream = upstream
        do throws(DataPlaneError) {
            descriptor = socket(upstream.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw DataPlaneError("socket") }
            var one: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let result = upstream.withSockaddr { connect(descriptor, $0, $1) }
            guard result == 0 || errno == EINPROGRESS else { throw DataPlaneError("connect \(upstream.endpoint)") }
            try loop.register(descriptor, handler: self)
            // Cancelled once connected, which lets go of the closure and this connector with it;
            // the connector is all it holds (no closure context to allocate).
            timer = loop.schedule(in: timeout) { [self] in timedOut() }
        } catch {
            finish(.failure(error))
        }
    }

    /// Writable with no error or hang-up is connected (no `SO_ERROR` to read); the events are
    /// handed on, so that the relay knows whether the upstream has spoken already.
    public func ready(_ events: UInt32, tag: Int) {
        let failed = events & (usher_epollerr | usher_epollhup) != 0
        guard failed || events & usher_epollout != 0 else { return }
        guard failed else { return finish(.success(Connected(descriptor: descriptor, events: events))) }
        let code = Socket.pendingError(descriptor)
        finish(.failure(DataPlaneError("connect", code: code == 0 ? ECONNRESET : code)))
    }

    private func timedOut() {
        finish(.failure(DataPlaneError("connect \(upstream.endpoint)", code: ETIMEDOUT)))
    }

    private func finish(_ result: Result<Connected, DataPlaneError>) {
        guard let completion else { return }
        self.completion = nil
        if let timer { loop.cancel(timer) }
        timer = nil
        if case .failure = result, descriptor >= 0 { loop.close(descriptor) }
        completion(result)
    }
}
