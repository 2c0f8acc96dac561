#if canImport(Glibc)
import Glibc
#endif

/// Why the kernel's listeners could not be read.
public enum KernelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed: which one, and `errno`.
    case systemCall(String, errno: Int32)
    /// The kernel answered the dump with an error (`NLMSG_ERROR`).
    case kernelRefused(errno: Int32)
    /// The kernel lost part of the reply (`NLMSG_OVERRUN`).
    case overrun
    /// A reply datagram did not fit the receive buffer.
    case datagramTruncated(length: Int)
    /// No complete reply within the time allowed.
    case timedOut
    /// The table kept changing during every attempt to dump it.
    case inconsistent

    public var description: String {
        switch self {
        case .systemCall(let call, let code): "netlink \(call): \(Self.text(code))"
        case .kernelRefused(let code): "the kernel refused the socket dump: \(Self.text(code))"
        case .overrun: "the kernel lost part of the socket dump (overrun)"
        case .datagramTruncated(let length): "a netlink reply of \(length) bytes did not fit the buffer"
        case .timedOut: "the kernel did not finish the socket dump in time"
        case .inconsistent: "the socket table kept changing during the dump"
        }
    }

    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "errno \(code)" }
        return String(cString: message)
    }
}
