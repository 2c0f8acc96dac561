import UsherCore
import UsherKernel
import UsherWire

extension WireHost {
    /// The wire form of a sample of the host; `history` includes each listener's depth history
    /// (snapshots do, events do not: subscribers append each event's depth themselves).
    init(_ view: HostView, clock: WireClock, history: Bool) {
        self.init(
            at: clock.text(view.at), intervalMs: view.interval.map { $0.nanosecondsClamped / 1_000_000 },
            somaxconn: view.somaxconn, listenOverflows: view.counters?.overflows, listenDrops: view.counters?.drops,
            overflowsPerSecond: view.overflowsPerSecond, dropsPerSecond: view.dropsPerSecond,
            listeners: view.listeners.map { WireHostListener($0, at: view.at, history: history) })
    }
}

extension WireHostListener {
    /// The wire form of one host listener at `now`.
    init(_ listener: HostListener, at now: Moment, history: Bool) {
        self.init(
            id: listener.id, address: listener.address, family: listener.socket.family.rawValue,
            port: Int(listener.socket.port), depth: listener.socket.depth, limit: listener.socket.limit,
            saturated: listener.isSaturated,
            saturatedMs: listener.saturatedSince.map { (now - $0).nanosecondsClamped / 1_000_000 },
            saturatedTotalMs: listener.saturatedTime.nanosecondsClamped / 1_000_000,
            dropsEstimate: listener.dropsEstimate, uid: listener.socket.uid, inode: listener.socket.inode,
            processes: listener.owners.map(WireProcess.init), history: history ? listener.history : nil)
    }
}

extension WireProcess {
    init(_ owner: SocketOwner) {
        self.init(pid: owner.pid, command: owner.command, commandLine: owner.commandLine, fd: owner.descriptor)
    }
}
