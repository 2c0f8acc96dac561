#if canImport(Glibc)
import Glibc
#endif
import Testing
import UsherTestSupport
@testable import UsherKernel

@Suite("Socket owners from /proc, cached", .timeLimit(.minutes(1)))
struct SocketOwnerIndexTests {
    /// A procfs look-alike: `/PID/comm`, `/PID/cmdline` and `/PID/fd/N` links to `socket:[INODE]`.
    private func makeProc(_ processes: [(pid: Int32, command: String, sockets: [Int32: UInt64])]) throws -> TemporaryDirectory {
        let root = try TemporaryDirectory()
        for process in processes {
            let folder = "\(root.path)/\(process.pid)"
            mkdir(folder, 0o755)
            mkdir("\(folder)/fd", 0o755)
            try write(process.command + "\n", to: "\(folder)/comm")
            try write(process.command + "\0--port\00\0", to: "\(folder)/cmdline")
            for (descriptor, inode) in process.sockets {
                symlink("socket:[\(inode)]", "\(folder)/fd/\(descriptor)")
            }
        }
        return root
    }

    private func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw TimedOut("open \(path)", after: .zero) }
        _ = Array(text.utf8).withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
    }

    @Test("owners are found by inode, with command and command line; forks show every holder")
    func found() throws {
        let proc = try makeProc([(100, "nginx", [6: 5000]), (101, "nginx", [6: 5000]), (200, "sshd", [3: 6000, 4: 1])])
        let index = SocketOwnerIndex(root: proc.path)
        let owners = index.owners(of: [5000, 6000], now: .zero)
        #expect(owners[5000]?.map(\.pid).sorted() == [100, 101])
        #expect(owners[6000] == [SocketOwner(pid: 200, command: "sshd", commandLine: "sshd --port 0", descriptor: 3)])
    }

    @Test("a walk of /proc happens only for sockets not seen before")
    func cached() throws {
        let proc = try makeProc([(100, "a", [3: 5000, 4: 5001])])
        let index = SocketOwnerIndex(root: proc.path)
        _ = index.owners(of: [5000], now: .zero)
        _ = index.owners(of: [5000], now: .seconds(1))
        #expect(index.walks == 1)
        _ = index.owners(of: [5000, 5001], now: .seconds(2))
        #expect(index.walks == 2)
    }

    @Test("a socket without a visible owner is looked for again only after the retry interval")
    func missingRetried() throws {
        let proc = try makeProc([(100, "a", [3: 5000])])
        let index = SocketOwnerIndex(root: proc.path)
        #expect(index.owners(of: [7777], now: .zero)[7777] == nil)
        _ = index.owners(of: [7777], now: .seconds(5))
        #expect(index.walks == 1)
        _ = index.owners(of: [7777], now: .seconds(31))
        #expect(index.walks == 2)
    }

    @Test("an owner whose descriptor now names another socket is looked up again")
    func staleOwner() throws {
        let proc = try makeProc([(100, "a", [3: 5000])])
        let index = SocketOwnerIndex(root: proc.path)
        _ = index.owners(of: [5000], now: .zero)
        unlink("\(proc.path)/100/fd/3")
        symlink("socket:[9]", "\(proc.path)/100/fd/3")
        #expect(index.owners(of: [5000], now: .seconds(1))[5000] == nil)
        #expect(index.walks == 2)
    }

    @Test("control characters in a command name or line are escaped, never passed on")
    func escapedCommand() throws {
        let proc = try makeProc([(100, "ev\u{1b}]0;x\u{07}il", [3: 5000])])
        try write("python3\0-c\0import os\nprint(1)\t\u{1b}[2J\u{202E}\0", to: "\(proc.path)/100/cmdline")
        let owner = try #require(SocketOwnerIndex(root: proc.path).owners(of: [5000], now: .zero)[5000]?.first)
        #expect(owner.command == "ev\\x1b]0;x\\x07il")
        #expect(owner.commandLine == "python3 -c import os\\nprint(1)\\t\\x1b[2J\\u{202E}")
    }

    @Test("descriptor links are read as socket inodes only when they are sockets", arguments: [
        ("socket:[123]", UInt64(123) as UInt64?), ("pipe:[123]", nil), ("socket:[]", nil), ("socket:[12", nil),
        ("/dev/null", nil),
    ])
    func inodeOfLink(target: String, expected: UInt64?) {
        #expect(SocketOwnerIndex.socketInode(target) == expected)
    }
}
