/// The host's counts of handshakes refused because an accept queue was full: `TcpExtListenOverflows`
/// (the queue was full) and `TcpExtListenDrops` (any drop at a listener, overflows included),
/// since boot, from `/proc/net/netstat`.
public struct ListenCounters: Hashable, Sendable {
    public var overflows: UInt64
    public var drops: UInt64

    public init(overflows: UInt64, drops: UInt64) {
        self.overflows = overflows
        self.drops = drops
    }

    /// The counters in the text of `/proc/net/netstat`: pairs of lines, names then values, each
    /// starting with the same prefix (`TcpExt:`). `nil` when the pair or either field is absent
    /// or malformed.
    public static func parse(netstat text: String) -> ListenCounters? {
        let lines = text.split(separator: "\n")
        for (names, values) in zip(lines, lines.dropFirst()) where names.hasPrefix("TcpExt:") && values.hasPrefix("TcpExt:") {
            let fields = Dictionary(
                zip(names.split(separator: " ").dropFirst(), values.split(separator: " ").dropFirst()),
                uniquingKeysWith: { first, _ in first })
            guard let overflows = fields["ListenOverflows"].flatMap({ UInt64($0) }),
                let drops = fields["ListenDrops"].flatMap({ UInt64($0) })
            else { return nil }
            return ListenCounters(overflows: overflows, drops: drops)
        }
        return nil
    }
}
