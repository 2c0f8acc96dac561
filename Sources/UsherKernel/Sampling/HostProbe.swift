#if canImport(Glibc)
import Glibc
#endif
import UsherCore

/// Takes samples of the host: the netlink dump, the owners of the sockets, the listen counters
/// and somaxconn. Not thread-safe; keep one per thread.
public final class HostProbe {
    private let socket: SockDiagSocket
    private let owners: SocketOwnerIndex
    private let procRoot: String
    /// Whether to look for the processes holding the sockets.
    public var findsOwners: Bool

    public init(procRoot: String = "/proc", findsOwners: Bool = true) throws(KernelError) {
        self.socket = try SockDiagSocket()
        self.owners = SocketOwnerIndex(root: procRoot)
        self.procRoot = procRoot
        self.findsOwners = findsOwners
    }

    /// One sample now.
    public func sample() throws(KernelError) -> HostSample {
        let at = Moment.now
        let sockets = try socket.listeners()
        let owned = findsOwners
            ? owners.owners(of: Set(sockets.map(\.inode)), now: .nanoseconds(Int64(clamping: at.nanoseconds))) : [:]
        return HostSample(
            at: at, sockets: sockets, owners: owned, interfaceNames: Self.interfaceNames(for: sockets),
            counters: HostSettings.listenCounters(root: procRoot), somaxconn: HostSettings.somaxconn(root: procRoot))
    }

    private static func interfaceNames(for sockets: [ListeningSocket]) -> [UInt32: String] {
        var names: [UInt32: String] = [:]
        for index in Set(sockets.map(\.interfaceIndex)) where index != 0 {
            var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            if if_indextoname(index, &buffer) != nil {
                names[index] = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return names
    }
}
