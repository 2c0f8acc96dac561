import Logging
import ServiceLifecycle
import UnixSignals

/// On each SIGHUP (`usher serve` only: for `usher run`, SIGHUP is the terminal hanging up, which
/// stops usher), reads the configuration file again, or without one the rules file. What was
/// refused is logged and published; the old configuration and rules stay in force.
struct ReloadService: Service {
    /// SIGHUP, trapped before the daemon says it is ready (untrapped, it would stop usher).
    let hangups: UnixSignalsSequence
    let keeper: RulesFileKeeper
    /// The configuration file's reloader, when usher runs with one.
    var configuration: ConfigurationReloader?
    let logger: Logger
    /// Told `RELOADING=1` before and `READY=1` after each reload, under systemd.
    var systemd: SystemdNotifier? = nil

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            guard configuration != nil || keeper.file != nil else {
                logger.warning("SIGHUP: there is nothing to reload; start usher with --config FILE or --rules FILE")
                continue
            }
            systemd?.send(["RELOADING=1", SystemdNotifier.monotonicField])
            if let configuration {
                _ = await configuration.reload()
            } else {
                _ = keeper.reload(applyPending: false)
            }
            systemd?.send(["READY=1"])
        }
    }
}
