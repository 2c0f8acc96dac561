/// The kernel backlog of a listening socket, and its clamp.
///
/// Linux silently truncates `listen(fd, n)` to `net.core.somaxconn`, as a Winsock service provider may
/// "silently ignore requests to extend the size of the backlog queue". usher computes the same
/// clamp and reports it.
public struct Backlog: Hashable, Sendable {
    /// `net.core.somaxconn` on Linux since 5.4, for when the host's cannot be read.
    public static let linuxDefaultSomaxconn = 4096

    /// What was asked for.
    public var requested: Int
    /// What the kernel will use.
    public var effective: Int

    /// `true` when the kernel will use less than requested.
    public var isClamped: Bool { effective < requested }

    /// Clamps `requested` (default: the limit itself) to `somaxconn`.
    public init(requested: Int?, somaxconn: Int) {
        let limit = max(1, somaxconn)
        self.requested = requested ?? limit
        self.effective = min(self.requested, limit)
    }
}
