import UsherCore
import UsherKernel

/// Every TCP listener of the host, as the kernel reports it, with the host's listen counters.
///
/// ```json
/// {"at":"…","interval_ms":1000,"somaxconn":4096,"listen_overflows":12,"listen_drops":12,
///  "overflows_per_s":0,"drops_per_s":0,"listeners":[{"host":true,"address":"0.0.0.0:22",…}]}
/// ```
public struct WireHost: Hashable, Sendable, Codable {
    public var at: String
    /// The time between the last two samples.
    public var intervalMs: Int64?
    /// `net.core.somaxconn`.
    public var somaxconn: Int?
    /// `TcpExtListenOverflows` and `TcpExtListenDrops` since boot.
    public var listenOverflows: UInt64?
    public var listenDrops: UInt64?
    /// Their growth per second over the last interval.
    public var overflowsPerSecond: Double?
    public var dropsPerSecond: Double?
    public var listeners: [WireHostListener]

    enum CodingKeys: String, CodingKey {
        case at, somaxconn, listeners
        case intervalMs = "interval_ms"
        case listenOverflows = "listen_overflows"
        case listenDrops = "listen_drops"
        case overflowsPerSecond = "overflows_per_s"
        case dropsPerSecond = "drops_per_s"
    }

    /// The wire form of a view; `history` includes each listener's depth history (snapshots do,
    /// events do not: subscribers append each event's depth themselves).
    public init(_ view: HostView, clock: WireClock, history: Bool) {
        at = clock.text(view.at)
        intervalMs = view.interval.map { $0.nanosecondsClamped / 1_000_000 }
        somaxconn = view.somaxconn
        listenOverflows = view.counters?.overflows
        listenDrops = view.counters?.drops
        overflowsPerSecond = view.overflowsPerSecond
        dropsPerSecond = view.dropsPerSecond
        listeners = view.listeners.map { WireHostListener($0, at: view.at, history: history) }
    }
}

/// One TCP listener of the host: `ss -lnt`'s Recv-Q (`depth`) and Send-Q (`limit`), the
/// processes holding it, and how full its queue has been.
public struct WireHostListener: Hashable, Sendable, Codable, Identifiable {
    /// Always `true`: a host listener, as opposed to a gated one.
    public var host: Bool
    /// The kernel's socket cookie.
    public var id: UInt64
    /// `0.0.0.0:22`, `[::1]:8080`, `*:80` (IPv6 wildcard taking IPv4 too), as `ss` prints it.
    public var address: String
    public var family: String
    public var port: Int
    public var depth: Int
    public var limit: Int
    /// The queue is full: the kernel refuses new handshakes there.
    public var saturated: Bool
    /// How long it has been full, while it is.
    public var saturatedMs: Int64?
    /// How long it has been full in all since usher first saw it.
    public var saturatedTotalMs: Int64
    /// Handshakes the kernel is estimated to have refused here (see `docs/usher-listeners.md`).
    public var dropsEstimate: UInt64
    public var uid: UInt32
    public var inode: UInt64
    public var processes: [WireProcess]
    /// Queue depth at each recent sample, oldest first (snapshots only).
    public var history: [Int]?

    enum CodingKeys: String, CodingKey {
        case host, id, address, family, port, depth, limit, saturated, uid, inode, processes, history
        case saturatedMs = "saturated_ms"
        case saturatedTotalMs = "saturated_total_ms"
        case dropsEstimate = "drops_estimate"
    }

    public init(_ listener: HostListener, at now: Moment, history: Bool) {
        host = true
        id = listener.id
        address = listener.address
        family = listener.socket.family.rawValue
        port = Int(listener.socket.port)
        depth = listener.socket.depth
        limit = listener.socket.limit
        saturated = listener.isSaturated
        saturatedMs = listener.saturatedSince.map { (now - $0).nanosecondsClamped / 1_000_000 }
        saturatedTotalMs = listener.saturatedTime.nanosecondsClamped / 1_000_000
        dropsEstimate = listener.dropsEstimate
        uid = listener.socket.uid
        inode = listener.socket.inode
        processes = listener.owners.map(WireProcess.init)
        self.history = history ? listener.history : nil
    }

    /// `command[pid]` of the first process, with `+N` for the others; `-` when unknown.
    public var processText: String {
        guard let first = processes.first else { return "-" }
        return "\(first.command)[\(first.pid)]" + (processes.count > 1 ? " +\(processes.count - 1)" : "")
    }
}

/// A process holding a socket.
public struct WireProcess: Hashable, Sendable, Codable {
    public var pid: Int32
    public var command: String
    public var commandLine: String
    public var fd: Int32

    enum CodingKeys: String, CodingKey {
        case pid, command, fd
        case commandLine = "cmdline"
    }

    public init(_ owner: SocketOwner) {
        pid = owner.pid
        command = owner.command
        commandLine = owner.commandLine
        fd = owner.descriptor
    }
}
