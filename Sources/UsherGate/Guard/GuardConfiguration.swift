import UsherCore

/// What `usher guard` holds at the door, and how it decides.
public struct GuardConfiguration: Sendable {
    /// The guarded TCP ports.
    public var ports: [Int]
    /// Only connection requests to this address are guarded; all of the host's when `nil`.
    public var address: String?
    /// Policy, pending timeout, timeout action, queue limit (the connection limit is unused).
    public var provider: ProviderConfiguration
    public var rules: RuleSet = .empty
    /// What a rejection does: a reset (the client's connect fails with "connection refused"),
    /// or a silent drop (the client retransmits until it gives up).
    public var rejectWith: RejectWith = .reset
    /// While no usher listens on the queue (it died, it is restarting), SYNs pass: `true`
    /// (`--fail open`), or are dropped: `false` (`--fail closed`).
    public var failOpen = true
    /// The netfilter queue numbers to try, the first free one is bound.
    public var queueRange: ClosedRange<UInt16> = 20_000...20_999
    /// Receives the lines of a round of events in one write.
    public var eventRound: (@Sendable (() -> Void) -> Void)?

    /// How a rejected connection request ends.
    public enum RejectWith: String, Sendable, CaseIterable {
        case reset
        case drop
    }

    public init(ports: [Int], address: String? = nil, provider: ProviderConfiguration = .standard) {
        self.ports = ports
        self.address = address
        self.provider = provider
    }

    /// The listeners as operators see them: `ADDRESS:PORT`, `*:PORT` for every address.
    public var listeners: [ListenerConfiguration] {
        ports.map { ListenerConfiguration(endpoint: Endpoint(host: address ?? "*", port: $0)) }
    }
}
