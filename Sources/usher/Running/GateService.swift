import Logging
import ServiceLifecycle
import UsherControl
import UsherWire
import UsherGate

/// Keeps a started gate running until a graceful shutdown (SIGINT/SIGTERM), then stops it:
/// stop listening, apply the timeout action to pending requests, drain proxied connections.
struct GateService: Service {
    let daemon: Daemon
    let logger: Logger

    func run() async throws {
        // Services start once the group traps SIGINT/SIGTERM: from this line on, a signal stops
        // usher gracefully.
        logger.notice("ready", metadata: ReadyLine.metadata(for: daemon.gate, control: daemon.control.path))
        try? await gracefulShutdown()
        await GateLauncher.stop(daemon, logger: logger)
    }
}
