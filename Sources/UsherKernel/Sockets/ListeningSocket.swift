/// A TCP socket in the LISTEN state, as the kernel's `inet_diag` reports it.
///
/// For a listener, `depth` is the accept queue now (connections the kernel has completed and the
/// server has not yet taken with `accept()`, `ss -lnt`'s Recv-Q) and `limit` the queue's length
/// (the `listen()` backlog after clamping to `net.core.somaxconn`, Send-Q).
public struct ListeningSocket: Hashable, Sendable {
    public enum Family: String, Hashable, Sendable, Codable {
        case ipv4, ipv6
    }

    public var family: Family
    /// The local address: 4 bytes for IPv4, 16 for IPv6, in network order.
    public var address: [UInt8]
    public var port: UInt16
    /// The interface the socket is bound to (`SO_BINDTODEVICE`); 0 when none.
    public var interfaceIndex: UInt32
    /// Connections waiting in the accept queue (Recv-Q).
    public var depth: Int
    /// The accept queue's length (Send-Q).
    public var limit: Int
    /// The socket owner's user ID.
    public var uid: UInt32
    /// The socket's inode, as `/proc/PID/fd/N` links name it (`socket:[INODE]`).
    public var inode: UInt64
    /// The kernel's unique cookie for this socket.
    public var cookie: UInt64
    /// For IPv6: whether the socket takes IPv6 only (`IPV6_V6ONLY`); `nil` when the kernel did
    /// not say.
    public var v6Only: Bool?

    public init(
        family: Family, address: [UInt8], port: UInt16, interfaceIndex: UInt32 = 0, depth: Int, limit: Int,
        uid: UInt32 = 0, inode: UInt64 = 0, cookie: UInt64 = 0, v6Only: Bool? = nil
    ) {
        self.family = family
        self.address = address
        self.port = port
        self.interfaceIndex = interfaceIndex
        self.depth = depth
        self.limit = limit
        self.uid = uid
        self.inode = inode
        self.cookie = cookie
        self.v6Only = v6Only
    }

    /// `true` when the accept queue has reached its length: the kernel drops new handshakes
    /// (the kernel itself refuses only once depth exceeds the limit, so `ss` can show one more).
    public var isSaturated: Bool {
        depth > 0 && depth >= limit
    }

    /// `true` for the wildcard address (`0.0.0.0` or `::`).
    public var isWildcard: Bool {
        address.allSatisfy { $0 == 0 }
    }
}
