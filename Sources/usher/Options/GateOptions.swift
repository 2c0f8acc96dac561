import Foundation
import ArgumentParser
import UsherCore
import NIOCore
import UsherGate
import UsherDataPlane

/// The gate options shared by `usher serve` (and later `usher run`).
struct GateOptions: ParsableArguments {
    /// The defaults, from the core's own configuration, so help and behaviour cannot drift.
    private static var standard: ProviderConfiguration { .standard }

    @Option(
        name: .customLong("listen"),
        help: ArgumentHelp(
            "Address to gate; repeat for several. IPv6 in brackets: [::1]:8080. Port 0 picks a free port. 'systemd' takes every socket systemd passed (socket activation), 'fd:NAME' those named NAME. (default: \(ListenerConfiguration.standard.endpoint))",
            valueName: "host:port"),
        transform: ListenAddress.parse)
    var listenAddresses: [ListenAddress] = []

    /// The `--listen` addresses to bind (not systemd's sockets).
    var listen: [Endpoint] { listenAddresses.compactMap(\.endpoint) }

    @Option(
        help: ArgumentHelp(
            "Where accepted connections go. Without it, a built-in demo upstream answers (HTTP 200, or echo).",
            valueName: "host:port"),
        transform: ArgumentParsing.endpoint)
    var upstream: Endpoint?

    @Option(help: ArgumentHelp(
        "Kernel backlog of each listening socket (default: net.core.somaxconn; larger values are clamped to it).",
        valueName: "n"))
    var backlog: Int?

    @Option(help: ArgumentHelp("Who decides a request no operator decided: ask (hold it), accept, reject.", valueName: "policy"))
    var policy: Policy = standard.policy

    @Option(
        help: ArgumentHelp(
            "How long a request may stay pending (500ms, 30s, 5m), or 'none'. (default: \(standard.pendingTimeout.map(DurationText.format) ?? "none"))",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var pendingTimeout: Duration? = standard.pendingTimeout

    @Option(help: ArgumentHelp("What the pending timeout (and a graceful stop) does: accept or reject.", valueName: "action"))
    var timeoutAction: TimeoutAction = standard.timeoutAction

    @Option(help: ArgumentHelp("Most requests pending at once on each listener.", valueName: "n"))
    var maxPending: Int = standard.maxPending

    @Option(help: ArgumentHelp(
        "Most client connections held at once, pending or proxied (default: what the open-file limit allows).",
        valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp(
        "When the pending queue is full: pause (leave new clients in the kernel backlog) or reset (refuse them at once).",
        valueName: "mode"))
    var overflow: OverflowMode = standard.overflow

    @Option(help: ArgumentHelp(
        "A client that stops sending while it waits: withdraw (it has gone) or keep (it waits for the answer, as printf … | nc -N does).",
        valueName: "mode"))
    var halfClose: HalfClosePolicy = standard.halfClose

    @Option(help: ArgumentHelp(
        "How the policy and the timeout reject: close (the reply, then FIN) or reset (RST: the client sees a reset).",
        valueName: "mode"))
    var rejectMode: RejectMode = standard.defaultRejection.mode

    @Option(
        help: ArgumentHelp(
            #"Bytes sent to a rejected client before closing; \r \n \t \\ \xHH escapes allowed."#,
            valueName: "text"),
        transform: ArgumentParsing.escapedText)
    var rejectMessage: [UInt8]?

    @Option(
        help: ArgumentHelp(
            "How long connecting to the upstream may take. (default: \(DurationText.format(GateConfiguration.standard.connectTimeout)))",
            valueName: "duration"),
        transform: ArgumentParsing.duration)
    var connectTimeout: Duration = GateConfiguration.standard.connectTimeout

    @Option(
        help: ArgumentHelp(
            "On SIGINT/SIGTERM, how long proxied connections may finish. (default: \(DurationText.format(GateConfiguration.standard.drainTimeout)))",
            valueName: "duration"),
        transform: ArgumentParsing.duration)
    var drainTimeout: Duration = GateConfiguration.standard.drainTimeout

    @Option(
        help: ArgumentHelp(
            "Close a proxied connection whose client sent nothing for this long while it is still sent to (HAProxy's timeout client), or 'none'. (default: none)",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var clientTimeout: Duration? = nil

    @Option(
        help: ArgumentHelp(
            "Close a proxied connection whose upstream sent nothing for this long while it is still sent to (HAProxy's timeout server), or 'none'. (default: none)",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var serverTimeout: Duration? = nil

    @Option(
        help: ArgumentHelp(
            "Once the upstream has finished and its end was passed on, close the connection if the client sends nothing and does not close for this long, or 'none'. (default: \(Self.formatted(GateConfiguration.standardRelayTimeouts.clientFin)))",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var clientFinTimeout: Duration? = GateConfiguration.standardRelayTimeouts.clientFin

    @Option(
        help: ArgumentHelp(
            "Once the client has finished sending and its end was passed on, close the connection if the upstream sends nothing and does not close for this long, or 'none'. (default: \(Self.formatted(GateConfiguration.standardRelayTimeouts.upstreamFin)))",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var serverFinTimeout: Duration? = GateConfiguration.standardRelayTimeouts.upstreamFin

    private static func formatted(_ duration: Duration?) -> String {
        duration.map(DurationText.format) ?? "none"
    }

    @Option(
        help: ArgumentHelp(
            "Rules tested before the policy, first match wins (TOML; see 'usher rules --help'). SIGHUP or 'usher rules reload' reads it again.",
            valueName: "file"))
    var rules: String?

    @Option(
        help: ArgumentHelp(
            "Where remembered decisions (accept/reject --remember) are kept across restarts. (default: remembered.toml beside --rules; without --rules, until usher stops)",
            valueName: "file"))
    var remembered: String?

    @Option(
        help: ArgumentHelp(
            "Peers that start each connection with a PROXY protocol header (v1 or v2, HAProxy's send-proxy): their requests wait for it (at most \(DurationText.format(standard.proxyHeaderTimeout))), rules see the original client, and the upstream never gets the header. A CIDR or address; repeat, or separate with commas. Others' bytes are never read as a header.",
            valueName: "cidr"),
        transform: ArgumentParsing.prefixes)
    var proxyProtocolFrom: [[AddressPrefix]] = []

    @Option(help: ArgumentHelp("Threads that carry client connections (default: one per CPU core).", valueName: "n"))
    var threads: Int?

    @Option(
        name: .customLong("guard"),
        help: ArgumentHelp(
            "Guard this TCP port: its connection requests (SYNs) wait at the door while the client's connect() blocks, and accepted ones go straight to the server on it, as with usher guard (needs root). Beside --listen, or alone. Repeat, or separate with commas.",
            valueName: "port"),
        transform: GuardOptions.ports)
    var guardPorts: [[Int]] = []

    mutating func validate() throws {
        if let backlog, !(1...Int(Int32.max)).contains(backlog) {
            throw ValidationError("--backlog must be a number from 1 to \(Int32.max), got \(backlog)")
        }
        guard maxPending >= 1 else {
            throw ValidationError("--max-pending must be at least 1, got \(maxPending)")
        }
        if let maxConnections, maxConnections < 1 {
            throw ValidationError("--max-connections must be at least 1, got \(maxConnections)")
        }
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be from 1 to 256, got \(threads)")
        }
        guard connectTimeout > .zero else { throw ValidationError("--connect-timeout must be longer than zero") }
        if rejectMode == .reset, rejectMessage != nil {
            throw ValidationError("--reject-message cannot be sent with --reject-mode reset; use --reject-mode close")
        }
        if let duplicate = duplicateListenAddress {
            throw ValidationError("--listen \(duplicate) is given twice")
        }
        try validateGuard()
        _ = try Self.dataPath()
    }

    /// `--guard` alone replaces the gate: the options that only a gate has are refused then.
    private func validateGuard() throws {
        let ports = guardPorts.flatMap { $0 }
        guard !ports.isEmpty else { return }
        var seen = Set<Int>()
        if let twice = ports.first(where: { !seen.insert($0).inserted }) {
            throw ValidationError("--guard \(twice) is given twice")
        }
        if let clash = listen.first(where: { ports.contains($0.port) }) {
            throw ValidationError("--guard \(clash.port) is also --listen \(clash): usher would hold its own connection requests")
        }
        guard listenAddresses.isEmpty else { return }
        if upstream != nil {
            throw ValidationError("--upstream has no use with --guard: a guarded connection goes straight to its own server")
        }
        if rejectMessage != nil {
            throw ValidationError("--reject-message cannot be sent with --guard: a rejected connection request gets a reset, and no connection exists to carry a message")
        }
    }

    /// With `--guard` alone: the guard's configuration (rejected requests get a reset,
    /// connection requests pass while no usher runs); `nil` otherwise.
    func guardConfiguration(rules: RuleSet) -> GuardConfiguration? {
        let ports = guardPorts.flatMap { $0 }
        guard !ports.isEmpty, listenAddresses.isEmpty else { return nil }
        let gate = gateConfiguration
        var configuration = GuardConfiguration(ports: ports, provider: gate.provider)
        configuration.provider.defaultRejection = Rejection(mode: .reset)
        configuration.rules = rules
        configuration.eventRound = gate.eventRound
        return configuration
    }

    private var duplicateListenAddress: Endpoint? {
        var seen = Set<Endpoint>()
        return listen.first { !seen.insert($0).inserted }
    }

    /// `USHER_DATA_PATH`: `epoll` (usher's own loops, the default) or `nio` (SwiftNIO's
    /// channels, as before the data plane).
    static func dataPath() throws -> GateConfiguration.DataPath {
        guard let text = ProcessInfo.processInfo.environment["USHER_DATA_PATH"], !text.isEmpty else { return .epoll }
        guard let path = GateConfiguration.DataPath(rawValue: text) else {
            throw ValidationError("USHER_DATA_PATH: '\(text)' is neither epoll nor nio")
        }
        return path
    }

    /// SwiftNIO's event-loop threads: the client connections' on the SwiftNIO data path;
    /// otherwise one, for the control socket and the demo upstream (the data plane has its own).
    var swiftNIOThreads: Int {
        (try? Self.dataPath()) == .swiftNIO ? threads ?? System.coreCount : 1
    }

    /// The gate configuration these options describe.
    var gateConfiguration: GateConfiguration {
        let endpoints = listenAddresses.isEmpty ? [ListenerConfiguration.standard.endpoint] : listen
        var configuration = GateConfiguration(
            listeners: endpoints.map { ListenerConfiguration(endpoint: $0, backlog: backlog) },
            upstream: upstream,
            provider: ProviderConfiguration(
                policy: policy, pendingTimeout: pendingTimeout, timeoutAction: timeoutAction,
                maxPending: maxPending, maxConnections: maxConnections, overflow: overflow,
                defaultRejection: Rejection(mode: rejectMode, message: rejectMessage ?? []),
                halfClose: halfClose, proxyProtocolFrom: proxyProtocolFrom.flatMap { $0 }),
            connectTimeout: connectTimeout,
            drainTimeout: drainTimeout)
        configuration.dataPath = (try? Self.dataPath()) ?? .epoll
        configuration.threads = threads
        configuration.relayTimeouts = RelayTimeouts(
            clientIdle: clientTimeout, upstreamIdle: serverTimeout, clientFin: clientFinTimeout, upstreamFin: serverFinTimeout)
        let guarded = guardPorts.flatMap { $0 }
        if !listenAddresses.isEmpty, !guarded.isEmpty { configuration.guarded = GuardConfiguration(ports: guarded) }
        // The log lines of a round of events (arrived, accepted… of many requests) in one write.
        configuration.eventRound = { deliver in StandardError.inOneWrite(deliver) }
        return configuration
    }
}
