import Logging
import ServiceLifecycle
import UnixSignals
import UsherGate

/// Keeps a started gate running until the group shuts down (SIGINT, SIGTERM, or `q` in the
/// dashboard), then stops it: stop listening, give pending requests the timeout action, drain
/// proxied connections (a second SIGINT or SIGTERM cuts the drain short). Logs `ready`,
/// `stopping` and `stopped` with the counters.
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
        // A second SIGINT or SIGTERM while proxied connections drain: close them now.
        let secondSignal = Task { [gate, logger] in
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                logger.notice("second stop signal", metadata: ["note": "closing the connections still open now"])
                gate.cutDrainShort()
                return
            }
        }
        await gate.shutdown()
        secondSignal.cancel()
        let counters = gate.snapshot().counters
        logger.notice("stopped", metadata: [
            "arrived": "\(counters.arrived)", "accepted": "\(counters.accepted)",
            "rejected": "\(counters.rejected)", "withdrawn": "\(counters.withdrawn)",
            "expired": "\(counters.expired)", "overflowed": "\(counters.overflowed)",
        ])
    }
}
