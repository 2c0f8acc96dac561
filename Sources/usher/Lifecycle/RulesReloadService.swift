import Logging
import ServiceLifecycle
import UnixSignals

/// Reads the rules file again on each SIGHUP (`usher serve` only: for `usher run`, SIGHUP is the
/// terminal hanging up, which stops usher). A refused file is logged and published by the keeper;
/// the old rules stay in force.
struct RulesReloadService: Service {
    let keeper: RulesFileKeeper
    let logger: Logger
    /// Told `RELOADING=1` before and `READY=1` after each reload, under systemd.
    var systemd: SystemdNotifier? = nil

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            guard keeper.file != nil else {
                logger.warning("SIGHUP: there is no rules file to reload; start usher with --rules FILE")
                continue
            }
            systemd?.send(["RELOADING=1", SystemdNotifier.monotonicField])
            _ = keeper.reload(applyPending: false)
            systemd?.send(["READY=1"])
        }
    }
}
