import Logging
import NIOCore
import NIOPosix
import UsherControl
import UsherWire
import UsherCore
import UsherGate
import UsherKernel

/// Starts what `usher serve` and `usher run` share: the gate on its listeners and the control
/// socket beside it; failures become ``CommandFailure``s with the contract's exit codes.
enum GateLauncher {
    /// `hostInterval` is how often the host's listeners are sampled; a host whose kernel cannot
    /// be read that way gets a warning and runs without.
    static func start(
        _ options: GateOptions, control: ControlOptions, observers: ObserverGroup?, hostInterval: Duration,
        group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws -> Daemon {
        OpenFileLimit.raiseToHardLimit()
        var configuration = options.gateConfiguration
        configuration.somaxconn = HostSettings.somaxconn() ?? Backlog.linuxDefaultSomaxconn
        configuration.openFileLimit = HostSettings.openFileLimit()
        let gate: Gate
        do {
            gate = try await Gate.start(configuration, on: group, logger: logger)
        } catch {
            throw CommandFailure(error.description, code: error.isUsageError ? .usage : .runtime)
        }
        let host = watchHost(every: hostInterval, logger: logger)
        host?.observe(KernelQueueLog(gate: gate, logger: logger).observe)
        do {
            let server = try await ControlServer.start(
                at: control.path, service: ControlService(provider: gate, version: Usher.version, host: host.map(HostFeed.init)),
                access: AccessPolicy(observerGroup: observers), group: group, logger: logger)
            return Daemon(gate: gate, control: server, host: host)
        } catch {
            host?.stop()
            await gate.shutdown()
            throw CommandFailure(error.description, code: .runtime)
        }
    }

    private static func watchHost(every interval: Duration, logger: Logger) -> HostWatch? {
        do {
            return try HostWatch(interval: interval)
        } catch {
            logger.warning("the host's listeners are not watched", metadata: ["error": "\(error.description)"])
            return nil
        }
    }

    /// Stops a started gate: stop listening, give pending requests the timeout action, drain
    /// proxied connections, say goodbye on the control socket. Logs and returns the counters.
    @discardableResult
    static func stop(_ daemon: Daemon, logger: Logger) async -> Counters {
        let (gate, control, host) = (daemon.gate, daemon.control, daemon.host)
        logger.notice("stopping", metadata: [
            "note": "pending requests get the timeout action (\(gate.configuration.provider.timeoutAction.rawValue))",
        ])
        await gate.shutdown()
        await control.close(reason: "usher stopped")
        host?.stop()
        let counters = gate.snapshot().counters
        logger.notice("stopped", metadata: [
            "arrived": "\(counters.arrived)", "accepted": "\(counters.accepted)",
            "rejected": "\(counters.rejected)", "withdrawn": "\(counters.withdrawn)",
            "expired": "\(counters.expired)", "overflowed": "\(counters.overflowed)",
        ])
        return counters
    }
}

/// What `usher serve` and `usher run` run: the gate, its control socket, the host's sampler.
struct Daemon: Sendable {
    let gate: Gate
    let control: ControlServer
    let host: HostWatch?
}
