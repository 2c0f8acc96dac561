#if canImport(Glibc)
import Glibc
#endif
import UsherCore

/// The user name of a uid, from the system's user database (`getpwuid_r`), so that decisions
/// say who took them: `alice (uid 1000, pid 812)`.
enum UserNames {
    /// `nil` when the system has no user of that uid (or the name is not printable text).
    static func name(of uid: UInt32) -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid_t(uid), &entry, &buffer, buffer.count, &found)
        guard status == 0, found != nil, let raw = entry.pw_name else { return nil }
        let name = String(cString: raw)
        guard !name.isEmpty, name.count <= 64 else { return nil }
        return name
    }
}

extension PeerCredentials {
    /// The process behind the credentials as decisions and refusals name it:
    /// `alice (uid 1000, pid 4411)`.
    var person: Operator {
        Operator(pid: pid, uid: uid, name: UserNames.name(of: uid))
    }
}
