import UsherCore

/// One listener of the host as the sampler follows it: the latest kernel figures, who holds
/// it, and what happened to its queue over the recent samples.
public struct HostListener: Hashable, Sendable, Identifiable {
    /// The kernel's cookie for the socket (unique while it lives).
    public var id: UInt64
    public var socket: ListeningSocket
    /// The local address as `ss -lnt` prints it: `0.0.0.0:22`, `[::1]:8080`, `*:80`.
    public var address: String
    /// The processes holding the socket (several after a fork); empty when none could be found.
    public var owners: [SocketOwner]
    /// The queue depth at each sample, oldest first.
    public var history: [Int]
    /// When the queue became full, while it is; `nil` when it is not full.
    public var saturatedSince: Moment?
    /// How long the queue has been full in all, over the samples taken.
    public var saturatedTime: Duration
    /// Handshakes the kernel is estimated to have refused at this listener since it was first
    /// seen: the host's `ListenOverflows` growth, shared among the listeners full at the time.
    public var dropsEstimate: UInt64

    public init(socket: ListeningSocket, address: String, owners: [SocketOwner] = []) {
        self.id = socket.cookie == 0 ? socket.inode : socket.cookie
        self.socket = socket
        self.address = address
        self.owners = owners
        self.history = []
        self.saturatedSince = nil
        self.saturatedTime = .zero
        self.dropsEstimate = 0
    }

    public var isSaturated: Bool { saturatedSince != nil }

}
