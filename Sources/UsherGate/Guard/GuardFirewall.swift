import Foundation
import UsherCore
import UsherKernel

/// The firewall rules that send the SYNs of guarded ports to the guard's netfilter queue, in a
/// chain of this daemon's own (`usher-guard-PID`, in the filter table's INPUT hook, IPv4 and
/// IPv6), with a rule that answers a SYN carrying the reject mark with a reset.
///
/// Installed through iptables-legacy (or iptables when that is all there is); removed on every
/// exit path, and the chains of daemons that died without removing theirs are removed at start.
public struct GuardFirewall: Sendable {
    /// The chains' common prefix; the daemon's PID follows.
    public static let chainPrefix = "usher-guard-"

    /// The chain's name.
    public let chain: String
    /// The tools that hold the chain: one for IPv4, one for IPv6.
    let tools: [String]

    /// Installs the chain; on any failure, removes what was installed and throws.
    ///
    /// - Parameters:
    ///   - address: only SYNs to this address are guarded (all of the host's when `nil`).
    ///   - failOpen: SYNs pass while no program listens on the queue (`--queue-bypass`).
    public static func install(
        ports: [Int], address: String?, queue: UInt16, rejectMark: UInt32, failOpen: Bool, pid: Int32 = getpid()
    ) throws(NetfilterError) -> GuardFirewall {
        let families = address.map { IPAddressText.bytes(of: $0)?.count == 16 ? [6] : [4] } ?? [4, 6]
        let tools = families.compactMap { Self.tool(forFamily: $0) }
        guard !tools.isEmpty else { throw .noFirewallTool }
        let firewall = GuardFirewall(chain: chainPrefix + "\(pid)", tools: tools)
        do {
            for tool in tools {
                try firewall.run(tool, ["-N", firewall.chain])
                try firewall.run(tool, ["-A", firewall.chain, "-p", "tcp", "-m", "mark", "--mark", "\(rejectMark)",
                                        "-j", "REJECT", "--reject-with", "tcp-reset"])
                for port in ports {
                    var rule = ["-A", firewall.chain, "-p", "tcp", "--syn", "--dport", "\(port)"]
                    if let address { rule += ["-d", address] }
                    rule += ["-j", "NFQUEUE", "--queue-num", "\(queue)"] + (failOpen ? ["--queue-bypass"] : [])
                    try firewall.run(tool, rule)
                }
                try firewall.run(tool, ["-I", "INPUT", "1", "-p", "tcp", "-j", firewall.chain])
            }
        } catch {
            firewall.remove()
            throw error
        }
        return firewall
    }

    /// Removes the chain and the jump to it; what cannot be removed (it is already gone) is skipped.
    public func remove() {
        for tool in tools { Self.removeChain(chain, with: tool) }
    }

    /// Removes the chains of guards whose process is gone; returns their names.
    @discardableResult
    public static func removeStale() -> [String] {
        var removed: [String] = []
        for tool in [4, 6].compactMap({ Self.tool(forFamily: $0) }) {
            guard let listing = try? Self.output(tool, ["-S"]) else { continue }
            for line in listing.split(separator: "\n") where line.hasPrefix("-N \(chainPrefix)") {
                let chain = String(line.dropFirst(3))
                guard let pid = Int32(chain.dropFirst(chainPrefix.count)), !Self.isGuard(pid) else { continue }
                removeChain(chain, with: tool)
                if !removed.contains(chain) { removed.append(chain) }
            }
        }
        return removed
    }

    /// Whether the chain is installed (for tests and `usher guard`'s checks).
    public func isInstalled() -> Bool {
        tools.allSatisfy { tool in (try? Self.output(tool, ["-S", chain])) != nil }
    }

    // MARK: Plumbing

    private static func removeChain(_ chain: String, with tool: String) {
        while (try? output(tool, ["-D", "INPUT", "-p", "tcp", "-j", chain])) != nil {}
        _ = try? output(tool, ["-F", chain])
        _ = try? output(tool, ["-X", chain])
    }

    /// Whether `pid` is a running usher (not another program that got its number since).
    private static func isGuard(_ pid: Int32) -> Bool {
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return false }
        return comm.hasPrefix("usher")
    }

    /// iptables-legacy where it is installed (the kernel's queue works with it everywhere),
    /// else iptables; ip6tables for IPv6.
    static func tool(forFamily family: Int) -> String? {
        let names = family == 6 ? ["ip6tables-legacy", "ip6tables"] : ["iptables-legacy", "iptables"]
        let folders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for name in names {
            for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    private func run(_ tool: String, _ arguments: [String]) throws(NetfilterError) {
        _ = try Self.output(tool, arguments)
    }

    /// Runs `tool` (waiting up to 5 s for the tables' lock); its output, or the failure.
    private static func output(_ tool: String, _ arguments: [String]) throws(NetfilterError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-w", "5"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw .firewall(command: tool, output: "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let command = ([URL(fileURLWithPath: tool).lastPathComponent] + arguments).joined(separator: " ")
            throw .firewall(command: command, output: text.split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)")
        }
        return text
    }
}
