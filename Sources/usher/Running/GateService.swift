import Logging
import ServiceLifecycle
import UsherControl
import UsherGate

/// Keeps a started gate running until a graceful shutdown (SIGINT/SIGTERM), then stops it:
/// stop listening, apply the timeout action to pending requests, drain proxied connections.
struct GateService: Service {
    let gate: Gate
    let control: ControlServer
    let logger: Logger

    func run() async throws {
        // Services start once the group traps SIGINT/SIGTERM: from this line on, a signal stops
        // usher gracefully.
        logger.notice("ready", metadata: ReadyLine.metadata(for: gate, control: control.path))
        try? await gracefulShutdown()
        logger.notice("stopping", metadata: [
            "note": "pending requests get the timeout action (\(gate.configuration.provider.timeoutAction.rawValue))",
        ])
        await gate.shutdown()
        await control.close(reason: "usher stopped")
        let counters = gate.snapshot().counters
        logger.notice("stopped", metadata: [
            "arrived": "\(counters.arrived)", "accepted": "\(counters.accepted)",
            "rejected": "\(counters.rejected)", "withdrawn": "\(counters.withdrawn)",
            "expired": "\(counters.expired)", "overflowed": "\(counters.overflowed)",
        ])
    }
}
