#if canImport(Glibc)
import Glibc
#endif
import Logging
import Synchronization
import UsherCore
import UsherKernel

/// Logs when the kernel's accept queue of one of usher's own listening sockets fills up, and
/// when it has room again: while it is full, the kernel refuses handshakes before usher can see
/// them, so nothing else in the log would say that clients are being turned away.
final class KernelQueueLog: Sendable {
    private let provider: any Provider
    private let logger: Logger
    private let pid = getpid()
    /// Indexes of the listeners whose kernel queue was full at the last sample.
    private let full = Mutex<Set<Int>>([])

    init(provider: any Provider, logger: Logger) {
        self.provider = provider
        self.logger = logger
    }

    /// Compares a sample of the host with the last one; call it with every sample.
    func observe(_ view: HostView) {
        for status in provider.snapshot(includingPending: false).listeners {
            guard let listener = view.listener(on: status.endpoint.host, port: status.endpoint.port, heldBy: pid)
            else { continue }
            let saturated = listener.isSaturated
            let changed = full.withLock { indexes in
                saturated ? indexes.insert(status.id.index).inserted : indexes.remove(status.id.index) != nil
            }
            guard changed else { continue }
            let metadata: Logger.Metadata = [
                "listener": "\(status.endpoint)", "depth": "\(listener.socket.depth)",
                "backlog": "\(listener.socket.limit)",
            ]
            if saturated {
                logger.warning("kernel accept queue full", metadata: metadata.merging([
                    "note": "the kernel refuses new connections until usher takes some from its queue",
                ]) { $1 })
            } else {
                logger.notice("kernel accept queue has room", metadata: metadata)
            }
        }
    }
}
