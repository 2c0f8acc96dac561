#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Tells systemd how the daemon is doing, as `sd_notify(3)` does: one datagram of
/// `KEY=VALUE` lines to the Unix socket `$NOTIFY_SOCKET` names (a path, or `@name` in the
/// abstract namespace). Without `NOTIFY_SOCKET` there is none; a message that cannot be sent is
/// dropped (systemd is gone, or never listened).
final class SystemdNotifier: Sendable {
    private let address: [UInt8]
    /// `$NOTIFY_SOCKET` as it was: a restarted usher gets it back.
    let path: String

    /// The notifier for `$NOTIFY_SOCKET`, removed from the environment so that the commands
    /// usher starts (`--notify`) do not talk to systemd in its name; `nil` without it.
    static func fromEnvironment() -> SystemdNotifier? {
        guard let path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        unsetenv("NOTIFY_SOCKET")
        return SystemdNotifier(path: path)
    }

    /// `nil` for a path too long for a Unix socket address.
    init?(path: String) {
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return nil }
        address = bytes
        self.path = path
    }

    /// Sends `fields` as one message (`READY=1`, `STATUS=…`); `false` when it could not.
    @discardableResult
    func send(_ fields: [String]) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var unix = sockaddr_un()
        unix.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &unix.sun_path) { path in
            for (index, byte) in address.enumerated() { path[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count + (address.first == 0 ? 0 : 1))
        let message = Array(fields.joined(separator: "\n").utf8)
        let sent = withUnsafePointer(to: &unix) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == message.count
    }

    /// `MONOTONIC_USEC=…`: CLOCK_MONOTONIC now, as systemd wants beside `RELOADING=1`.
    static var monotonicField: String {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return "MONOTONIC_USEC=\(Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000)"
    }
}
