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
    private var completion: ((Result<Int32, DataPlaneError>) -> Void)?

    /// Starts connecting to `upstream`; `completion` runs on the loop, once.
    @discardableResult
    public init(
        to upstream: Endpoint, timeout: Duration, loop: EventLoop, completion: @escaping (Result<Int32, DataPlaneError>) -> Void
    ) {
        self.loop = loop
        self.descriptor = -1
        self.completion = completion
        do throws(DataPlaneError) {
            let address = try SocketAddress(upstream)
            descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw DataPlaneError("socket") }
            var one: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let result = address.withSockaddr { connect(descriptor, $0, $1) }
            guard result == 0 || errno == EINPROGRESS else { throw DataPlaneError("connect \(upstream)") }
            try loop.register(descriptor, handler: self)
            timer = loop.schedule(in: timeout) { [weak self] in self?.finish(.failure(DataPlaneError("connect \(upstream)", code: ETIMEDOUT))) }
        } catch {
            finish(.failure(error))
        }
    }

    public func ready(_ events: UInt32, tag: Int) {
        let code = Socket.pendingError(descriptor)
        finish(code == 0 ? .success(descriptor) : .failure(DataPlaneError("connect", code: code)))
    }

    private func finish(_ result: Result<Int32, DataPlaneError>) {
        guard let completion else { return }
        self.completion = nil
        if let timer { loop.cancel(timer) }
        if case .failure = result, descriptor >= 0 {
            loop.deregister(descriptor)
            close(descriptor)
        }
        completion(result)
    }
}
