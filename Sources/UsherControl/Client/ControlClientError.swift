#if canImport(Glibc)
import Glibc
#endif
import UsherWire

/// Why a control client could not talk to a daemon.
public enum ControlClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No daemon answers at the path (no socket, nobody listening, or no permission).
    case unreachable(path: String, reason: String)
    /// The daemon refused or failed the request.
    case refused(ControlError)
    /// The daemon sent something this client cannot read.
    case badMessage(String)
    /// The daemon closed the connection (with its goodbye reason, if it sent one).
    case closed(reason: String?)

    public var description: String {
        switch self {
        case .unreachable(let path, let reason):
            "no usher daemon answers at \(path) (\(reason)); start one with 'usher serve', "
                + "or pass --control PATH (or set USHER_CONTROL)"
        case .refused(let error):
            error.message
        case .badMessage(let detail):
            "the daemon sent a line this usher cannot read: \(detail)"
        case .closed(let reason):
            "the daemon closed the connection" + (reason.map { ": \($0)" } ?? "")
        }
    }

    /// The reason for a failed `connect()`, in words.
    static func connectReason(errno code: Int32) -> String {
        switch code {
        case ENOENT: "no such socket"
        case ECONNREFUSED: "connection refused; the socket is stale"
        case EACCES, EPERM: "permission denied; run as the daemon's user or root, or join its --observers group"
        default: String(cString: strerror(code))
        }
    }
}
