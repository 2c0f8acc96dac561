import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where usher keeps what it writes on its own: `$XDG_STATE_HOME/usher`, else `/var/lib/usher`
/// for root, else `~/.local/state/usher`.
enum StateDirectory {
    static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/usher" }
        if geteuid() == 0 { return "/var/lib/usher" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/usher"
    }

    /// Makes the directory (and its parents, 0700); `nil` when it exists or was made, else why not.
    static func create(_ path: String) -> String? {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return nil
        } catch {
            return "\(error.localizedDescription)"
        }
    }
}
