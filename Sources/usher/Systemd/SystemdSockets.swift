#if canImport(Glibc)
import Glibc
#endif
import Foundation
import UsherCore
import UsherDataPlane

/// The listening sockets systemd passed to this process (socket activation, `sd_listen_fds(3)`):
/// descriptors 3, 4… as `$LISTEN_FDS` counts them, for the process `$LISTEN_PID` names, with the
/// names of `$LISTEN_FDNAMES` (`FileDescriptorName=` in the socket unit; `unknown` without).
struct SystemdSockets: Sendable {
    var sockets: [(name: String, descriptor: Int32)]

    init(sockets: [(name: String, descriptor: Int32)]) {
        self.sockets = sockets
    }

    /// The name systemd gave the socket `descriptor`, if it passed that one.
    func name(of descriptor: Int32) -> String? {
        sockets.first { $0.descriptor == descriptor }?.name
    }

    /// The sockets passed to this process, taken once: the variables are removed, so that the
    /// commands usher starts do not see them.
    static func take() -> SystemdSockets {
        let environment = ProcessInfo.processInfo.environment
        defer { for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) } }
        return SystemdSockets(environment: environment, pid: getpid())
    }

    init(environment: [String: String], pid: Int32) {
        guard environment["LISTEN_PID"].flatMap({ Int32($0) }) == pid,
              let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count > 0, count < 1024
        else {
            sockets = []
            return
        }
        let names = environment["LISTEN_FDNAMES"]?.split(separator: ":", omittingEmptySubsequences: false).map(String.init) ?? []
        sockets = (0..<count).map { index in (index < names.count ? names[index] : "unknown", Int32(3 + index)) }
    }

    /// The listeners for `--listen systemd` (`name` `nil`: every socket) or `--listen fd:NAME`.
    func listeners(named name: String?, backlog: Int?) throws -> [ListenerConfiguration] {
        let chosen = sockets.filter { name == nil || $0.name == name }
        guard !chosen.isEmpty else {
            let given = sockets.isEmpty ? "none (LISTEN_FDS is not set for this process)" : sockets.map(\.name).joined(separator: ", ")
            let option = name.map { "fd:\($0)" } ?? "systemd"
            throw CommandFailure("--listen \(option): systemd passed no such socket; it passed \(given)", code: .usage)
        }
        return try chosen.map { socket in
            do throws(DataPlaneError) {
                let adopted = try ListeningSocket(adopting: socket.descriptor)
                return ListenerConfiguration(endpoint: adopted.address, backlog: backlog, inheritedDescriptor: socket.descriptor)
            } catch {
                throw CommandFailure("--listen: systemd's socket \(socket.name) (descriptor \(socket.descriptor)): \(error.description)", code: .usage)
            }
        }
    }
}
