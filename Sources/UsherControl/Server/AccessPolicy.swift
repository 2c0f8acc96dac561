import Foundation
#if canImport(Glibc)
import Glibc
#endif
import UsherWire

/// Who may use the control socket, and as what: the daemon's own user and root are operators;
/// members of the `--observers` group may read and subscribe; everyone else is refused.
public struct AccessPolicy: Hashable, Sendable {
    /// The user the daemon runs as.
    public var ownerUID: UInt32
    /// The group whose members are observers, if any.
    public var observerGroup: ObserverGroup?

    public init(ownerUID: UInt32 = getuid(), observerGroup: ObserverGroup? = nil) {
        self.ownerUID = ownerUID
        self.observerGroup = observerGroup
    }

    /// The role of a peer, or `nil` when it may not use the socket. `isMember(peer, gid)` tells
    /// whether the peer process has a group among its supplementary groups.
    public func role(
        for peer: PeerCredentials, isMember: (PeerCredentials, UInt32) -> Bool = GroupMembership.contains
    ) -> Role? {
        if peer.uid == 0 || peer.uid == ownerUID { return .operator }
        if let group = observerGroup, peer.gid == group.gid || isMember(peer, group.gid) { return .observer }
        return nil
    }

    /// The message a refused peer gets before the socket closes.
    public func refusal(for peer: PeerCredentials) -> String {
        let observers = observerGroup.map { " or members of group \($0.name)" } ?? " (start usher with --observers GROUP to let a group watch)"
        return "uid \(peer.uid) may not use this control socket; it serves uid \(ownerUID), root\(observers)"
    }
}

/// The `--observers` group, by name and ID.
public struct ObserverGroup: Hashable, Sendable {
    public var name: String
    public var gid: UInt32

    /// Looks a group up by name or number; `nil` when the system knows no such group.
    public static func lookUp(_ text: String) -> ObserverGroup? {
        if let entry = getgrnam(text) {
            return ObserverGroup(name: text, gid: entry.pointee.gr_gid)
        }
        if let gid = UInt32(text), let entry = getgrgid(gid) {
            return ObserverGroup(name: String(cString: entry.pointee.gr_name), gid: gid)
        }
        return nil
    }
}

/// The supplementary groups of a peer process, as the kernel has them now (`/proc/PID/status`),
/// not as the user database lists them: a process that dropped its groups is not a member.
public enum GroupMembership {
    /// `true` when the peer process has `gid` among its supplementary groups.
    @Sendable public static func contains(_ peer: PeerCredentials, _ gid: UInt32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(peer.pid)/status", encoding: .utf8) else { return false }
        let line = status.split(separator: "\n").first { $0.hasPrefix("Groups:") }
        let groups = line?.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }) ?? []
        return groups.contains { UInt32($0) == gid }
    }
}
