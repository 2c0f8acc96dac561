import UsherCore

/// Which processes hold which sockets, found by matching socket inodes against the links in
/// `/proc/*/fd`, as `ss -p` does, but cached.
///
/// A full walk of `/proc` happens only when a socket nobody has been seen holding shows up.
/// Owners already known are checked with one `readlink` each per sample; sockets no process can
/// be found for (another user's process without the permission to look, a socket in flight)
/// are looked for again at most every ``retryInterval``.
public final class SocketOwnerIndex {
    private let root: String
    private var owners: [UInt64: [SocketOwner]] = [:]
    private var missing: [UInt64: Duration] = [:]
    /// How long a socket with no owner found waits before the next walk for it.
    public var retryInterval: Duration = .seconds(30)
    /// Full walks of `/proc` so far.
    public private(set) var walks = 0

    /// `root` is where procfs is mounted.
    public init(root: String = "/proc") {
        self.root = root
    }

    /// The owners of each inode in `inodes`, as far as they can be found; `now` is a monotonic
    /// time, used only to space out the search for sockets without a known owner.
    public func owners(of inodes: Set<UInt64>, now: Duration) -> [UInt64: [SocketOwner]] {
        owners = owners.filter { inodes.contains($0.key) }
        missing = missing.filter { inodes.contains($0.key) }
        for (inode, known) in owners where !known.allSatisfy({ holds($0, inode) }) {
            owners[inode] = nil
        }
        let unknown = inodes.filter { inode in
            owners[inode] == nil && missing[inode].map { now - $0 >= retryInterval } ?? true
        }
        if !unknown.isEmpty {
            walk(for: inodes.filter { owners[$0] == nil })
            for inode in unknown where owners[inode] == nil { missing[inode] = now }
        }
        return owners
    }

    /// `true` while the owner's descriptor still names the socket.
    private func holds(_ owner: SocketOwner, _ inode: UInt64) -> Bool {
        ProcFiles.link("\(root)/\(owner.pid)/fd/\(owner.descriptor)") == "socket:[\(inode)]"
    }

    /// Walks every process's descriptors once and records the owners of `wanted`.
    private func walk(for wanted: Set<UInt64>) {
        walks += 1
        for name in ProcFiles.names(in: root) {
            guard let pid = Int32(name) else { continue }
            var process: (command: String, commandLine: String)?
            for descriptorName in ProcFiles.names(in: "\(root)/\(pid)/fd") {
                guard let descriptor = Int32(descriptorName),
                    let target = ProcFiles.link("\(root)/\(pid)/fd/\(descriptor)"),
                    let inode = Self.socketInode(target), wanted.contains(inode)
                else { continue }
                let found = process ?? describe(pid)
                process = found
                owners[inode, default: []].append(SocketOwner(
                    pid: pid, command: found.command, commandLine: found.commandLine, descriptor: descriptor))
            }
        }
    }

    private func describe(_ pid: Int32) -> (command: String, commandLine: String) {
        let command = TerminalText.escaped(ProcFiles.text("\(root)/\(pid)/comm") ?? "?")
        let arguments = ProcFiles.read("\(root)/\(pid)/cmdline", limit: 4096) ?? []
        let commandLine = arguments.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        return (command, TerminalText.escaped(commandLine))
    }

    /// The inode in a descriptor link such as `socket:[12345]`.
    static func socketInode(_ target: String) -> UInt64? {
        guard target.hasPrefix("socket:["), target.hasSuffix("]") else { return nil }
        return UInt64(target.dropFirst(8).dropLast())
    }
}
