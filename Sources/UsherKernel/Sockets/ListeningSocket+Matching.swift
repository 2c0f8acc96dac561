import UsherCore

extension ListeningSocket {
    /// `true` when the socket listens on `port` at the numeric address `host` (`127.0.0.1`,
    /// `::1`, `0.0.0.0`, `::`).
    public func listens(on host: String, port: Int) -> Bool {
        guard Int(self.port) == port, let bytes = IPAddressText.bytes(of: host) else { return false }
        return bytes == address
    }
}

extension HostView {
    /// The listener on `host`:`port` held by process `pid`; when none is known to be held by
    /// it, the only listener on that address, if there is exactly one.
    public func listener(on host: String, port: Int, heldBy pid: Int32) -> HostListener? {
        let candidates = listeners.filter { $0.socket.listens(on: host, port: port) }
        return candidates.first { $0.owners.contains { $0.pid == pid } } ?? (candidates.count == 1 ? candidates.first : nil)
    }
}
