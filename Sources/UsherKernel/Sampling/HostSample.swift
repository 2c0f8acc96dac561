import UsherCore

/// What the kernel said at one moment: every TCP listener, their owners, the host's listen
/// counters and `net.core.somaxconn`.
public struct HostSample: Sendable {
    public var at: Moment
    public var sockets: [ListeningSocket]
    /// The processes holding each socket, by inode; a socket whose owner could not be found has
    /// no entry.
    public var owners: [UInt64: [SocketOwner]]
    /// Names of the interfaces sockets are bound to, by index.
    public var interfaceNames: [UInt32: String]
    public var counters: ListenCounters?
    public var somaxconn: Int?

    public init(
        at: Moment, sockets: [ListeningSocket], owners: [UInt64: [SocketOwner]] = [:],
        interfaceNames: [UInt32: String] = [:], counters: ListenCounters? = nil, somaxconn: Int? = nil
    ) {
        self.at = at
        self.sockets = sockets
        self.owners = owners
        self.interfaceNames = interfaceNames
        self.counters = counters
        self.somaxconn = somaxconn
    }
}
