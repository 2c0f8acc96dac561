import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization
import UsherKernel

/// Samples the host's listeners every `interval` and publishes each view to a ``HostFeed``, until
/// the service group shuts down. The blocking part (the netlink dump and the walk of `/proc`)
/// runs on SwiftNIO's thread pool, never on an event loop or the cooperative pool.
///
/// The first sample is taken by ``init(interval:logger:)``, so the feed is never empty and a host
/// that refuses the netlink socket is known at once.
final class HostSamplerService: Service {
    /// What samples: the probe is not thread-safe, the lock keeps samples one at a time.
    private struct Sampling: ~Copyable {
        let probe: HostProbe
        var sampler: HostSampler
    }

    let feed: HostFeed
    let interval: Duration
    private let sampling: Mutex<Sampling>
    private let logger: Logger
    /// A failing sample is logged once, and again when sampling works again.
    private let failing = Atomic<Bool>(false)

    init(interval: Duration, historyLength: Int = 120, logger: Logger) throws(KernelError) {
        let probe = try HostProbe()
        var sampler = HostSampler(historyLength: historyLength)
        feed = HostFeed(first: sampler.record(try probe.sample()))
        sampling = Mutex(Sampling(probe: probe, sampler: sampler))
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: self.interval)
                try await self.sampleOnce()
            }
        }
    }

    /// One sample, on the thread pool, published to the feed.
    func sampleOnce() async throws {
        let result = try await NIOThreadPool.singleton.runIfActive { () -> Result<HostView, KernelError> in
            self.sampling.withLock { sampling in
                Result { () throws(KernelError) in sampling.sampler.record(try sampling.probe.sample()) }
            }
        }
        switch result {
        case .success(let view):
            if failing.exchange(false, ordering: .relaxed) {
                logger.notice("the host's listeners are sampled again")
            }
            feed.publish(view)
        case .failure(let error):
            if !failing.exchange(true, ordering: .relaxed) {
                logger.warning("cannot sample the host's listeners", metadata: [
                    "error": "\(error.description)", "note": "the last sample stays; retrying every interval",
                ])
            }
        }
    }
}
