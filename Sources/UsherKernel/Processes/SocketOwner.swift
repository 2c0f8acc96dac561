/// A process that holds a socket open: its pid, its command (`/proc/PID/comm`), its command
/// line, and the descriptor.
public struct SocketOwner: Hashable, Sendable {
    public var pid: Int32
    /// The command name, at most 15 characters, as `ss -p` and `top` show it.
    public var command: String
    /// The full command line, arguments separated by spaces (empty for kernel threads or when
    /// unreadable).
    public var commandLine: String
    /// The descriptor number in that process.
    public var descriptor: Int32

    public init(pid: Int32, command: String, commandLine: String = "", descriptor: Int32) {
        self.pid = pid
        self.command = command
        self.commandLine = commandLine
        self.descriptor = descriptor
    }
}
