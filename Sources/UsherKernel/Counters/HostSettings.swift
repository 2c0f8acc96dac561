/// Kernel settings that bound listeners.
public enum HostSettings {
    /// `net.core.somaxconn`: the largest accept queue `listen()` may ask for; `nil` when it cannot
    /// be read.
    public static func somaxconn(root: String = "/proc") -> Int? {
        ProcFiles.text("\(root)/sys/net/core/somaxconn").flatMap { text in
            text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
        }
    }

    /// The host's listen counters now.
    public static func listenCounters(root: String = "/proc") -> ListenCounters? {
        ProcFiles.text("\(root)/net/netstat").flatMap(ListenCounters.parse(netstat:))
    }
}
