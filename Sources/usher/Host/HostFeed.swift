#if canImport(Glibc)
import Glibc
#endif
import UsherControl
import UsherCore
import UsherKernel
import UsherWire

/// The host's listeners as the control server serves them, from a ``HostWatch``.
struct HostFeed: HostListenerFeed {
    let watch: HostWatch
    private let pid = getpid()

    func latest(history: Bool) -> WireHost? {
        let view = watch.latest
        return WireHost(view, clock: WireClock(now: .now), history: history)
    }

    func kernelDepth(of endpoint: Endpoint) -> Int? {
        watch.latest.listener(on: endpoint.host, port: endpoint.port, heldBy: pid)?.socket.depth
    }

    func observe(_ observer: @escaping @Sendable (WireHost) -> Void) {
        watch.observe { view in observer(WireHost(view, clock: WireClock(now: .now), history: false)) }
    }
}
