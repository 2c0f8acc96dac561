#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import UsherCore

/// Samples the host's listeners on a thread of its own every `interval` and keeps the latest
/// view; observers hear of each new one, on that thread.
///
/// The first sample is taken before `init` returns, so ``latest`` is never empty and a host that
/// refuses the netlink socket fails at once.
///
/// ```swift
/// let watch = try HostWatch(interval: .seconds(1))
/// watch.observe { view in print(view.saturatedCount) }
/// // … later
/// watch.stop()
/// ```
public final class HostWatch: Sendable {
    private struct State {
        var latest: HostView
        var lastError: KernelError?
        var thread: pthread_t?
        var observers: [@Sendable (HostView) -> Void] = []
    }

    private let state: Mutex<State>
    private let stopPipe: (read: Int32, write: Int32)
    /// The time between samples.
    public let interval: Duration

    public init(interval: Duration, historyLength: Int = 120) throws(KernelError) {
        let probe = try HostProbe()
        var sampler = HostSampler(historyLength: historyLength)
        let first = sampler.record(try probe.sample())
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .systemCall("pipe", errno: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.stopPipe = (ends[0], ends[1])
        self.interval = interval
        self.state = Mutex(State(latest: first))
        let runner = Runner(watch: self, probe: probe, sampler: sampler)
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            Unmanaged<Runner>.fromOpaque(argument).takeRetainedValue().run()
            return nil
        }, Unmanaged.passRetained(runner).toOpaque())
        guard started == 0 else {
            close(ends[0])
            close(ends[1])
            throw .systemCall("pthread_create", errno: started)
        }
        state.withLock { $0.thread = thread }
    }

    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    /// The view after the latest sample.
    public var latest: HostView {
        state.withLock { $0.latest }
    }

    /// Why the latest attempt to sample failed, while the failure lasts.
    public var lastError: KernelError? {
        state.withLock { $0.lastError }
    }

    /// Calls `observer` with every sample from now on.
    public func observe(_ observer: @escaping @Sendable (HostView) -> Void) {
        state.withLock { $0.observers.append(observer) }
    }

    /// Stops sampling and waits for the thread to end; later calls do nothing.
    public func stop() {
        guard let thread = state.withLock({ state in defer { state.thread = nil }; return state.thread }) else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        pthread_join(thread, nil)
    }

    /// `true` when a stop was asked for; otherwise waits up to `interval` for one.
    fileprivate func waitForStop() -> Bool {
        var descriptor = pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: interval.nanosecondsClamped / 1_000_000)
        return poll(&descriptor, 1, max(1, milliseconds)) > 0
    }

    fileprivate func publish(_ result: Result<HostView, KernelError>) {
        let observers = state.withLock { state in
            switch result {
            case .success(let view):
                state.latest = view
                state.lastError = nil
                return state.observers
            case .failure(let error):
                state.lastError = error
                return []
            }
        }
        if case .success(let view) = result {
            for observer in observers { observer(view) }
        }
    }
}

/// The sampling thread's own objects: the probe and sampler are used by that thread only.
private final class Runner: @unchecked Sendable {
    let watch: HostWatch
    let probe: HostProbe
    var sampler: HostSampler

    init(watch: HostWatch, probe: HostProbe, sampler: HostSampler) {
        self.watch = watch
        self.probe = probe
        self.sampler = sampler
    }

    func run() {
        while !watch.waitForStop() {
            do throws(KernelError) {
                watch.publish(.success(sampler.record(try probe.sample())))
            } catch {
                watch.publish(.failure(error))
            }
        }
    }
}
