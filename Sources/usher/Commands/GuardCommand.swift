import ArgumentParser
import Logging
import NIOPosix
import ServiceLifecycle
import UnixSignals
import UsherControl
import UsherCore
import UsherGate
import UsherKernel
import UsherRulesFile

/// `usher guard`: conditional accept at the SYN, for unmodified servers.
struct GuardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "Hold each connection request to a port at the door: the client's connect() waits until it is decided.",
        discussion: """
            Winsock's SO_CONDITIONAL_ACCEPT for any existing server (nginx, redis, \
            postgres…), with no proxy on the data path. Each SYN to a --port waits in a \
            netfilter queue, unanswered, while the client's connect() blocks; the policy, \
            the rules, an operator or the pending timeout decides. Accepted, the SYN goes \
            on: the server's kernel answers it and the server accepts as usual. Rejected, \
            the client gets a reset (connect() fails: connection refused), or with \
            --reject-with drop, nothing at all. Deferred, it keeps waiting.

            The client sends its SYN again while it waits (after 1 s, 2 s, 3 s…): those \
            are one request, and the newest SYN is the one let through. A client that \
            stops retrying (curl --connect-timeout) has withdrawn its request. Each \
            request's caller data is its SYN: the TCP options (mss, wscale, sack, ts, tfo) \
            and when it was sent again.

            Operators decide from another terminal as with the gate: usher ls, usher \
            accept r1, usher reject r2, usher top. Rules on the peer address apply at the \
            door; a rule on data sees the SYN's options line (a SYN carries no bytes).

            Needs CAP_NET_ADMIN (root) and iptables: the SYNs go to the queue through a \
            chain of this usher's own (usher-guard-PID in the filter table's INPUT), \
            removed when it stops; the chains of ushers that died are removed at start. \
            With --fail open (the default), connection requests pass unguarded while no \
            usher listens on the queue.

            Examples:
              Make curl wait for an operator (usher top, or usher accept r1):
                usher guard --port 8080
              Let redis clients from the LAN in at once, ask for the rest:
                usher guard --port 6379 --rules guard.toml
              Refuse connection requests nobody accepted within 20 s:
                usher guard --port 5432 --pending-timeout 20s --timeout-action reject

            Exit status: 0 after a graceful stop, 1 when the queue or the firewall cannot \
            be set up, 64 for a usage error, 77 without CAP_NET_ADMIN.
            """
    )

    @OptionGroup(title: "Guard options") var options: GuardOptions
    @OptionGroup(title: "Control") var control: ControlOptions

    @OptionGroup var access: ObserverOptions

    @OptionGroup(title: "Logging") var log: LogOptions

    func run() async throws {
        if let path = log.logFile { _ = try LogRedirection(path: path) }
        log.bootstrap()
        let logger = Logger(label: "usher")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await guardPorts(on: group, logger: logger)
            try? await group.shutdownGracefully()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func guardPorts(on group: MultiThreadedEventLoopGroup, logger: Logger) async throws {
        var configuration = options.guardConfiguration
        if let path = options.rules {
            do {
                configuration.rules = try RulesFile.load(path: path)
            } catch {
                throw CommandFailure(RulesCheck.refusal(error), code: .usage)
            }
        }
        let provider: Guard
        do {
            provider = try await Guard.start(configuration, on: group, logger: logger)
        } catch {
            throw CommandFailure(error.description, code: error == .notPermitted ? .noPermission : .runtime)
        }
        let keeper = RulesFileKeeper(file: options.rules, rememberedFile: options.remembered, logger: logger)
        keeper.attach(provider)
        let host = try? HostSamplerService(interval: DisplayOptions.defaultInterval, logger: logger)
        let server: ControlServer
        do {
            let service = ControlService(provider: provider, version: Usher.version, host: host?.feed, rulesKeeper: keeper)
            server = try await ControlServer.start(
                at: control.path, service: service, access: AccessPolicy(observerGroup: access.observers), group: group, logger: logger)
        } catch {
            await provider.shutdown()
            throw CommandFailure(error.description, code: .runtime)
        }
        var services: [any Service] = [ControlSocketService(control: server)]
        if let host { services.append(host) }
        let systemd = SystemdNotifier.fromEnvironment()
        services.append(GuardService(provider: provider, controlPath: server.path, logger: logger))
        services.append(ReloadService(hangups: await UnixSignalsSequence(trapping: .sighup), keeper: keeper, logger: logger, systemd: systemd))
        if let systemd { services.append(SystemdService(notifier: systemd, provider: provider, logger: logger)) }
        var quiet = logger
        quiet.logLevel = .warning
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
        try await group.run()
    }
}
