
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

    public init(
        at: String, intervalMs: Int64?, somaxconn: Int?, listenOverflows: UInt64?, listenDrops: UInt64?,
        overflowsPerSecond: Double?, dropsPerSecond: Double?, listeners: [WireHostListener]
    ) {
        self.at = at
        self.intervalMs = intervalMs
        self.somaxconn = somaxconn
        self.listenOverflows = listenOverflows
        self.listenDrops = listenDrops
        self.overflowsPerSecond = overflowsPerSecond
        self.dropsPerSecond = dropsPerSecond
        self.listeners = listeners
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

    public init(
        id: UInt64, address: String, family: String, port: Int, depth: Int, limit: Int, saturated: Bool,
        saturatedMs: Int64?, saturatedTotalMs: Int64, dropsEstimate: UInt64, uid: UInt32, inode: UInt64,
        processes: [WireProcess], history: [Int]?
    ) {
        host = true
        self.id = id
        self.address = address
        self.family = family
        self.port = port
        self.depth = depth
        self.limit = limit
        self.saturated = saturated
        self.saturatedMs = saturatedMs
        self.saturatedTotalMs = saturatedTotalMs
        self.dropsEstimate = dropsEstimate
        self.uid = uid
        self.inode = inode
        self.processes = processes
        self.history = history
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

    public init(pid: Int32, command: String, commandLine: String, fd: Int32) {
        self.pid = pid
        self.command = command
        self.commandLine = commandLine
        self.fd = fd
    }
}
