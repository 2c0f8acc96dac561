/// One gated listener as configured: where it listens and the kernel backlog it asks for.
public struct ListenerConfiguration: Hashable, Sendable {
    /// The address to listen on (port 0: the system picks one).
    public var endpoint: Endpoint
    /// The requested `listen()` backlog; `nil` asks for `net.core.somaxconn`.
    public var backlog: Int?
    /// A listening socket this process was given (systemd's socket activation), bound to
    /// `endpoint` already: it is used as it is instead of binding a new one.
    public var inheritedDescriptor: Int32?
    /// What this listener decides differently from the provider's configuration.
    public var overrides: ListenerOverrides
    /// Where this listener's accepted connections go; `nil`: the gate's upstream.
    public var upstream: Endpoint?
    /// This listener's own rules file, tested instead of the gate's rules file; `nil`: the gate's.
    public var rulesFile: String?

    public init(
        endpoint: Endpoint, backlog: Int? = nil, inheritedDescriptor: Int32? = nil, overrides: ListenerOverrides = ListenerOverrides(),
        upstream: Endpoint? = nil
    ) {
        self.endpoint = endpoint
        self.backlog = backlog
        self.inheritedDescriptor = inheritedDescriptor
        self.overrides = overrides
        self.upstream = upstream
    }

    /// The default listener of `usher serve`: `127.0.0.1:8080`.
    public static let standard = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))
}
