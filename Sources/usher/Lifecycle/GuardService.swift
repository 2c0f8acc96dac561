import Logging
import ServiceLifecycle
import UsherCore
import UsherGate

/// Keeps a started guard running until the group shuts down (SIGINT, SIGTERM), then stops it:
/// every waiting request gets the timeout action, the firewall chain is removed, the queue is
/// unbound. Logs `ready`, `stopping` and `stopped` with the counters.
struct GuardService: Service {
    let provider: Guard
    let controlPath: String
    let logger: Logger

    func run() async throws {
        let configuration = provider.providerConfiguration
        logger.notice("ready", metadata: [
            "guarding": "\(provider.configuration.listeners.map(\.endpoint.description).joined(separator: ","))",
            "policy": "\(configuration.policy.rawValue)",
            "pending_timeout": "\(configuration.pendingTimeout.map(DurationText.format) ?? "none")",
            "timeout_action": "\(configuration.timeoutAction.rawValue)",
            "reject_with": "\(provider.configuration.rejectWith.rawValue)",
            "fail": "\(provider.configuration.failOpen ? "open" : "closed")",
            "queue": "\(provider.queue)",
            "chain": "\(provider.firewall.chain)",
            "control": "\(controlPath)",
        ])
        try? await gracefulShutdown()
        logger.notice("stopping", metadata: [
            "note": "waiting requests get the timeout action (\(configuration.timeoutAction.rawValue)); the chain is removed",
        ])
        await provider.shutdown()
        let counters = provider.snapshot(includingPending: false).counters
        logger.notice("stopped", metadata: [
            "arrived": "\(counters.arrived)", "accepted": "\(counters.accepted)",
            "rejected": "\(counters.rejected)", "withdrawn": "\(counters.withdrawn)",
            "expired": "\(counters.expired)", "overflowed": "\(counters.overflowed)",
        ])
    }
}
