#if canImport(Glibc)
import Glibc
#endif

/// Why the guard could not hold connection requests at the door.
public enum NetfilterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The process lacks CAP_NET_ADMIN, which netfilter's queue and tables need.
    case notPermitted
    /// A system call on the queue's socket failed.
    case systemCall(String, errno: Int32)
    /// The kernel refused a queue setting.
    case refused(String, errno: Int32)
    /// No queue number in the range could be bound (other programs hold them).
    case noFreeQueue(ClosedRange<UInt16>)
    /// The kernel did not answer a setting in time.
    case timedOut(String)
    /// Neither iptables-legacy nor iptables is installed.
    case noFirewallTool
    /// A firewall command failed: the command and what it printed.
    case firewall(command: String, output: String)

    public var description: String {
        switch self {
        case .notPermitted:
            "usher guard needs CAP_NET_ADMIN to hold connection requests in netfilter's queue; run it as root, "
                + "or grant it: setcap cap_net_admin+ep \"$(command -v usher)\""
        case .systemCall(let call, let code): "netfilter queue \(call): \(KernelError.text(code))"
        case .refused(let what, let code): "the kernel refused to \(what): \(KernelError.text(code))"
        case .noFreeQueue(let range):
            "every netfilter queue number from \(range.lowerBound) to \(range.upperBound) is bound by another program"
        case .timedOut(let what): "the kernel did not answer in time while trying to \(what)"
        case .noFirewallTool:
            "usher guard needs iptables-legacy or iptables (apt-get install iptables) to send SYNs to its queue"
        case .firewall(let command, let output): "\(command) failed: \(output)"
        }
    }
}
