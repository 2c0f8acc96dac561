import Logging
import ServiceLifecycle
import UsherGate

/// Keeps a started gate running until the group shuts down (SIGINT, SIGTERM, or `q` in the
/// dashboard), then stops it: stop listening, give pending requests the timeout action, drain
/// proxied connections. Logs `ready`, `stopping` and `stopped` with the counters.
struct GateService: Service {
    let gate: Gate
    let controlPath: String
    let logger: Logger

    func run() async throws {
        // Services start once the group traps the stop signals: from this line on, a signal stops
        // usher gracefully.
        logger.notice("ready", metadata: ReadyLine.metadata(for: gate, control: controlPath))
        try? await gracefulShutdown()
        logger.notice("stopping", metadata: [
            "note": "pending requests get the timeout action (\(gate.configuration.provider.timeoutAction.rawValue))",
        ])
        await gate.shutdown()
        let counters = gate.snapshot().counters
        logger.notice("stopped", metadata: [
            "arrived": "\(counters.arrived)", "accepted": "\(counters.accepted)",
            "rejected": "\(counters.rejected)", "withdrawn": "\(counters.withdrawn)",
            "expired": "\(counters.expired)", "overflowed": "\(counters.overflowed)",
        ])
    }
}
