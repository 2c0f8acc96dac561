import ArgumentParser
import UsherCore
import UsherGate

extension GuardConfiguration.RejectWith: ExpressibleByArgument {}

/// What `usher guard` holds and how it decides: the guarded ports, and the gate's decision
/// options that apply at the door.
struct GuardOptions: ParsableArguments {
    private static var standard: ProviderConfiguration { .standard }

    @Option(
        name: .customLong("port"),
        help: ArgumentHelp(
            "A TCP port whose connection requests (SYNs) wait for a decision; repeat, or separate with commas.",
            valueName: "port"),
        transform: GuardOptions.ports)
    var ports: [[Int]] = []

    @Option(
        help: ArgumentHelp(
            "Guard only connection requests to this local address (IPv4 or IPv6). (default: every address, IPv4 and IPv6)",
            valueName: "address"))
    var address: String?

    @Option(help: ArgumentHelp("Who decides a request no operator decided: ask (hold it), accept, reject.", valueName: "policy"))
    var policy: Policy = standard.policy

    @Option(
        help: ArgumentHelp(
            "How long a request may wait (500ms, 30s, 5m), or 'none'. A client gives up by itself after about 2 minutes (net.ipv4.tcp_syn_retries). (default: \(standard.pendingTimeout.map(DurationText.format) ?? "none"))",
            valueName: "duration"),
        transform: ArgumentParsing.optionalDuration)
    var pendingTimeout: Duration? = standard.pendingTimeout

    @Option(help: ArgumentHelp("What the pending timeout (and a graceful stop) does: accept or reject.", valueName: "action"))
    var timeoutAction: TimeoutAction = standard.timeoutAction

    @Option(help: ArgumentHelp("Most requests waiting at once on each port; more are dropped (the client sends its SYN again later).", valueName: "n"))
    var maxPending: Int = standard.maxPending

    @Option(help: ArgumentHelp(
        "What a rejected client gets: reset (its connect() fails at once: connection refused) or drop (no answer: it retries until it gives up).",
        valueName: "how"))
    var rejectWith: GuardConfiguration.RejectWith = .reset

    @Option(help: ArgumentHelp(
        "While no usher listens on the queue (it was killed, it restarts): open (connection requests reach the servers unguarded) or closed (they are dropped).",
        valueName: "mode"))
    var fail: FailMode = .open

    @Option(
        help: ArgumentHelp(
            "Rules tested before the policy, first match wins (TOML; see 'usher rules --help'); peer rules apply at the door. SIGHUP or 'usher rules reload' reads it again.",
            valueName: "file"))
    var rules: String?

    @Option(
        help: ArgumentHelp(
            "Where remembered decisions (accept/reject --remember) are kept across restarts. (default: remembered.toml beside --rules; without --rules, until usher stops)",
            valueName: "file"))
    var remembered: String?

    /// `--fail`.
    enum FailMode: String, ExpressibleByArgument, CaseIterable {
        case open, closed
    }

    mutating func validate() throws {
        let all = ports.flatMap { $0 }
        guard !all.isEmpty else {
            throw ValidationError("usher guard needs --port: the TCP port(s) whose connection requests wait, e.g. --port 8080")
        }
        var seen = Set<Int>()
        if let twice = all.first(where: { !seen.insert($0).inserted }) {
            throw ValidationError("--port \(twice) is given twice")
        }
        if let address, IPAddressText.bytes(of: address) == nil {
            throw ValidationError("--address '\(address)' is not an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1")
        }
        guard maxPending >= 1 else {
            throw ValidationError("--max-pending must be at least 1, got \(maxPending)")
        }
    }

    var guardConfiguration: GuardConfiguration {
        var configuration = GuardConfiguration(
            ports: ports.flatMap { $0 }, address: address,
            provider: ProviderConfiguration(
                policy: policy, pendingTimeout: pendingTimeout, timeoutAction: timeoutAction, maxPending: maxPending,
                overflow: .pause, defaultRejection: Rejection(mode: rejectWith == .reset ? .reset : .close)))
        configuration.rejectWith = rejectWith
        configuration.failOpen = fail == .open
        configuration.eventRound = { deliver in StandardError.inOneWrite(deliver) }
        return configuration
    }

    static func ports(_ text: String) throws -> [Int] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let port = Int(trimmed), (1...65_535).contains(port) else {
                throw ValidationError("--port '\(trimmed)' is not a TCP port from 1 to 65535")
            }
            return port
        }
    }
}
