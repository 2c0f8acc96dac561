import UsherCore
import UsherDataPlane

/// Everything a ``Gate`` needs: where to listen, where accepted connections go, and how the
/// provider core decides.
public struct GateConfiguration: Sendable {
    /// Where to listen; each becomes a gated listener with its own pending queue.
    public var listeners: [ListenerConfiguration]
    /// Where accepted connections are proxied; `nil` starts the built-in demo upstream.
    public var upstream: Endpoint?
    /// Policy, timeouts and limits; `provider.maxConnections` `nil` fits the limit to the
    /// open-file limit.
    public var provider: ProviderConfiguration
    /// How long connecting to the upstream may take before the request is rejected.
    public var connectTimeout: Duration
    /// How long a graceful stop waits for proxied connections to finish.
    public var drainTimeout: Duration
    /// How long a rejected connection is kept half-open to read what the client still sends, so
    /// that the reply arrives before a FIN rather than being destroyed by an RST.
    public var lingerTimeout: Duration
    /// How long a side of a proxied connection may be quiet: `--client-timeout` and
    /// `--server-timeout` (none by default), `--client-fin-timeout` and `--server-fin-timeout`
    /// once the other side's end was passed to it. On the epoll data path.
    public var relayTimeouts = GateConfiguration.standardRelayTimeouts
    /// The fin limits by default: a client told everything has 5 s to close, an upstream whose
    /// client finished 10 s to answer or close; quiet connections are otherwise left alone.
    public static let standardRelayTimeouts = RelayTimeouts(clientFin: .seconds(5), upstreamFin: .seconds(10))
    /// The host's `net.core.somaxconn`: every listener's kernel backlog is clamped to it (and the
    /// clamp logged), as the kernel would do silently.
    public var somaxconn: Int
    /// The conditions tested before the policy: the rules file, if any.
    public var rules: RuleSet
    /// What a running usher handed over, when this gate takes over from it (a restart).
    public var takingOver: TakeOver?
    /// The rules of the listeners' own rules files (``ListenerConfiguration/rulesFile``), by path.
    public var listenerRuleSets: [String: RuleSet] = [:]
    /// The process's open-file limit (`ulimit -n`), to which the connection limit is fitted;
    /// `nil` when unlimited or unknown.
    public var openFileLimit: Int?
    /// What carries the client connections.
    public var dataPath = DataPath.epoll
    /// Threads that carry client connections on the ``DataPath/epoll`` data path; `nil`: one per
    /// CPU core. (On SwiftNIO, the event-loop group given to the gate decides.)
    public var threads: Int?
    /// Wraps each round in which observers get the events that gathered (on the gate's event
    /// thread): a log writer can write a round's lines in one call. `nil`: nothing around them.
    public var eventRound: (@Sendable (_ deliver: () -> Void) -> Void)?
    /// Ports guarded beside the listeners (`--guard` with `--listen`): their connection requests
    /// are requests of the same core, after the listeners' (only ``GuardConfiguration/ports``,
    /// `address`, `rejectWith`, `failOpen` and `queueRange` are read; the rest is the gate's).
    /// On the ``DataPath/epoll`` data path only.
    public var guarded: GuardConfiguration?

    /// What carries a gate's client connections.
    public enum DataPath: String, Hashable, Sendable {
        /// SwiftNIO's channels, as before the data plane; kept while it is compared with it.
        case swiftNIO = "nio"
        /// usher's own epoll loops (``UsherDataPlane``), without SwiftNIO on the data path (the
        /// default).
        case epoll
    }

    /// The defaults of every field: what `usher serve` does without options.
    public static let standard = GateConfiguration()

    public init(
        listeners: [ListenerConfiguration] = [.standard],
        upstream: Endpoint? = nil,
        provider: ProviderConfiguration = ProviderConfiguration(),
        connectTimeout: Duration = .seconds(5),
        drainTimeout: Duration = .seconds(10),
        lingerTimeout: Duration = .seconds(2),
        somaxconn: Int = Backlog.linuxDefaultSomaxconn,
        openFileLimit: Int? = nil,
        rules: RuleSet = .empty
    ) {
        self.rules = rules
        self.listeners = listeners
        self.upstream = upstream
        self.provider = provider
        self.connectTimeout = connectTimeout
        self.drainTimeout = drainTimeout
        self.lingerTimeout = lingerTimeout
        self.somaxconn = somaxconn
        self.openFileLimit = openFileLimit
    }
}
