#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import UsherControl
import UsherCore
import UsherKernel
import UsherWire

/// The latest sample of the host's listeners, and who hears of each new one: what the control
/// server serves and what the kernel-queue log reads. ``HostSamplerService`` publishes into it.
final class HostFeed: HostListenerFeed {
    private struct State {
        var latest: HostView
        var observers: [@Sendable (HostView) -> Void] = []
    }

    private let state: Mutex<State>
    private let pid = getpid()

    init(first: HostView) {
        state = Mutex(State(latest: first))
    }

    /// The view after the latest sample.
    var latestView: HostView { state.withLock { $0.latest } }

    /// Makes `view` the latest and tells every observer, on the calling task.
    func publish(_ view: HostView) {
        let observers = state.withLock { state in
            state.latest = view
            return state.observers
        }
        for observer in observers { observer(view) }
    }

    /// Calls `observer` with every later sample.
    func observeViews(_ observer: @escaping @Sendable (HostView) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    // MARK: HostListenerFeed

    func latest(history: Bool) -> WireHost? {
        WireHost(latestView, clock: WireClock(now: .now), history: history)
    }

    func kernelQueue(of endpoint: Endpoint) -> (depth: Int, limit: Int)? {
        let view = latestView
        guard endpoint.host == "*" else {
            return view.listener(on: endpoint.host, port: endpoint.port, heldBy: pid).map { ($0.socket.depth, $0.socket.limit) }
        }
        let sockets = view.listeners.map(\.socket).filter { Int($0.port) == endpoint.port }
        guard !sockets.isEmpty else { return nil }
        return (sockets.reduce(0) { $0 + $1.depth }, sockets.reduce(0) { $0 + $1.limit })
    }

    func observe(_ observer: @escaping @Sendable (WireHost) -> Void) {
        observeViews { view in observer(WireHost(view, clock: WireClock(now: .now), history: false)) }
    }
}
