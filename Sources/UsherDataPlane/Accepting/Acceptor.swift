import CEpoll
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// Takes connections from a listening socket on a loop: `accept4` until it would block (so one
/// readiness event serves a burst), each connection non-blocking with its peer's address from
/// `accept4` itself, and the local address from the listener unless it is bound to every
/// address (then `getsockname`). Paused, it leaves new clients in the kernel's backlog. When
/// descriptors run out it says so once and tries again a second later.
public final class Acceptor: ReadinessHandler {
    /// A connection taken: its socket, the peer's address, and the local one.
    public typealias Accepted = (descriptor: Int32, peer: Endpoint, local: Endpoint)

    private let loop: EventLoop
    public let listener: ListeningSocket
    private let wildcard: Bool
    private let onAccepted: (Accepted) -> Void
    private let onFailure: (DataPlaneError) -> Void
    /// Not taking connections.
    public private(set) var paused = false
    private var backingOff = false

    /// Watches `listener` on `loop`; `onFailure` hears of an accept that failed (once per back-off).
    /// `paused`: watching, but taking nothing until ``resume()``.
    public init(
        _ listener: ListeningSocket, loop: EventLoop, paused: Bool = false, onFailure: @escaping (DataPlaneError) -> Void = { _ in },
        onAccepted: @escaping (Accepted) -> Void
    ) throws(DataPlaneError) {
        self.paused = paused
        self.loop = loop
        self.listener = listener
        self.wildcard = listener.address.host == "0.0.0.0" || listener.address.host == "::"
        self.onAccepted = onAccepted
        self.onFailure = onFailure
        try loop.register(listener.descriptor, handler: self)
    }

    public func ready(_ events: UInt32, tag: Int) {
        acceptAll()
    }

    /// Stops taking connections: they wait in the kernel's backlog.
    public func pause() {
        paused = true
    }

    /// Takes connections again, first those that waited.
    public func resume() {
        guard paused else { return }
        paused = false
        acceptAll()
    }

    /// Stops watching and closes the listening socket.
    public func close() {
        loop.deregister(listener.descriptor)
        listener.close()
    }

    private func acceptAll() {
        while !paused, !backingOff {
            var peer = SocketAddress()
            let descriptor = withUnsafeMutablePointer(to: &peer.storage) { pointer in
                usher_accept4(listener.descriptor, pointer, &peer.length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
            guard descriptor >= 0 else {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case EINTR, ECONNABORTED, EPROTO: continue
                default: return backOff(DataPlaneError("accept4"))
                }
            }
            let local = wildcard ? Self.localAddress(of: descriptor) ?? listener.address : listener.address
            onAccepted((descriptor, peer.endpoint, local))
        }
    }

    /// Out of descriptors (or memory): a second before the next try, so that a full process
    /// does not spin on a listener that stays readable.
    private func backOff(_ error: DataPlaneError) {
        backingOff = true
        onFailure(error)
        loop.schedule(in: .seconds(1)) { [weak self] in
            self?.backingOff = false
            self?.acceptAll()
        }
    }

    private static func localAddress(of descriptor: Int32) -> Endpoint? {
        var local = SocketAddress()
        let result = withUnsafeMutablePointer(to: &local.storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &local.length) }
        }
        return result == 0 ? local.endpoint : nil
    }
}
