import Foundation
import Glibc
import Testing
import UsherTestSupport

/// Whether this machine can run `usher guard`: root (CAP_NET_ADMIN), iptables, and a kernel with
/// netfilter's queue.
private let canGuard = getuid() == 0
    && ["/usr/sbin/iptables-legacy", "/usr/sbin/iptables", "/sbin/iptables"].contains { (path: String) in access(path, X_OK) == 0 }
    && ["/proc/net/netfilter/nfnetlink_queue", "/sys/module/nfnetlink_queue"].contains { (path: String) in access(path, F_OK) == 0 }

/// `usher guard` in front of a stock server (Python's http.server) with curl as the client:
/// connect() waits at the door until an operator decides.
/// One at a time: a guard that starts removes the chains of dead guards, which would race with a
/// test that looks at the chain a killed guard left.
@Suite(
    "usher guard: conditional accept at the SYN", .timeLimit(.minutes(3)), .serialized,
    .enabled(if: canGuard, "needs root, iptables (apt-get install iptables) and a kernel with nfnetlink_queue"))
struct GuardTests {
    @Test("curl's connect() waits until usher accept; then the server answers; a rejected curl gets connection refused")
    func acceptAndReject() async throws {
        try await Self.withGuardedServer { port, control, guardProcess in
            async let first = Curl.get(port: port, ["-o", "/dev/null", "-w", "%{http_code} %{time_connect}"])
            try await waitForPending(1, control: control)
            let listing = try await UsherDaemon.client(["ls"], control: control)
            #expect(listing.standardOutput.contains("SYN mss="), "the SYN's options are the caller data: \(listing.standardOutput)")
            let accepted = try await UsherDaemon.client(["accept", "r1"], control: control)
            #expect(accepted.standardOutput == "r1 accepted\n", "\(accepted.standardError)")
            let answer = try await first
            #expect(answer.exitCode == 0, "\(answer.standardError)")
            #expect(answer.standardOutput.hasPrefix("200 "), "the server's own answer: \(answer.standardOutput)")
            let connectTime = Double(answer.standardOutput.split(separator: " ").last ?? "") ?? 0
            #expect(connectTime > 0.05, "connect() waited for the decision (\(connectTime) s)")

            async let second = Curl.get(port: port)
            try await waitForPending(1, control: control)
            _ = try await UsherDaemon.client(["reject", "r2"], control: control)
            let refused = try await second
            #expect(refused.exitCode == 7, "curl: (7) … Couldn't connect: \(refused.standardError)")
            try await guardProcess.log.waitForLine(containing: "rejected", "id=r2")
        }
    }

    @Test("a deferred request outlives the client's SYN retransmits as one request, then accept lets it through")
    func deferAcrossRetransmits() async throws {
        try await Self.withGuardedServer { port, control, guardProcess in
            async let client = Curl.get(port: port, ["-o", "/dev/null", "-w", "%{http_code}"], maxTime: 60)
            try await waitForPending(1, control: control)
            _ = try await UsherDaemon.client(["defer", "r1", "--for", "20s"], control: control)
            try await poll("a retransmitted SYN", every: .milliseconds(100), timeout: .seconds(60)) {
                let listing = try? await UsherDaemon.client(["ls"], control: control)
                return listing?.standardOutput.contains("SYN again (2)") == true
            }
            let listing = try await UsherDaemon.client(["ls", "--json"], control: control)
            #expect(listing.standardOutput.components(separatedBy: #""id":"#).count - 1 == 1, "one request: \(listing.standardOutput)")
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            let answer = try await client
            #expect(answer.standardOutput == "200", "\(answer.standardError)")
            #expect(!guardProcess.log.lines.contains { $0.contains("id=r2") }, "the retransmits were not new requests")
        }
    }

    @Test("a client that gives up (curl --connect-timeout) is withdrawn after its last retransmit window")
    func withdrawn() async throws {
        try await Self.withGuardedServer { port, control, guardProcess in
            let gaveUp = try await Curl.get(port: port, ["--connect-timeout", "2"])
            #expect(gaveUp.exitCode == 28, "curl timed out connecting: \(gaveUp.standardError)")
            try await guardProcess.log.waitForLine(containing: "withdrawn", "id=r1", timeout: .seconds(60))
        }
    }

    @Test("no chain is left behind after SIGTERM, SIGINT, or SIGKILL then a restart", arguments: [SIGTERM, SIGINT, SIGKILL])
    func chainRemoved(signal: Int32) async throws {
        let (chain, exit) = try await UsherDaemon.with(["guard", "--port", "9"]) { usher, _ in
            let chain = try await Self.chain(of: usher)
            #expect(try await Self.chains().contains(chain))
            usher.send(signal: signal)
            try await usher.waitForExit()
            return chain
        }
        if signal != SIGKILL {
            #expect(exit.exitCode == 0, "\(exit.lines.suffix(5))")
            #expect(!(try await Self.chains().contains(chain)), "\(chain) was removed")
            return
        }
        #expect(try await Self.chains().contains(chain), "a killed guard cannot remove its chain")
        // The next guard to start removes it.
        _ = try await UsherDaemon.with(["guard", "--port", "9"]) { usher, _ in
            _ = try await Self.chain(of: usher)
            #expect(!(try await Self.chains().contains(chain)), "the stale \(chain) was removed before the new guard was ready")
        }
    }

    @Test("usher serve --guard: the daemon guards instead of gating, with its journal")
    func serveGuards() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-serve-guard")
        let journal = folder.path + "/journal.sqlite"
        try await Self.withServer { port in
            _ = try await UsherDaemon.with(["serve", "--guard", "\(port)", "--journal", journal]) { usher, control in
                _ = try await Self.chain(of: usher)
                async let client = Curl.get(port: port, ["-o", "/dev/null", "-w", "%{http_code}"])
                try await waitForPending(1, control: control)
                _ = try await UsherDaemon.client(["accept", "r1"], control: control)
                #expect(try await client.standardOutput == "200")
            }
        }
        let log = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--json"], timeout: .seconds(60))
        #expect(log.standardOutput.contains(#""state":"accepted""#) && log.standardOutput.contains("SYN mss="), "\(log.standardOutput)")
    }

    @Test("usher serve --listen and --guard: a gated and a guarded request in one pending table, each decided its own way")
    func gateAndGuard() async throws {
        try await Self.withServer { port in
            _ = try await UsherDaemon.with(serveOnFreePort + ["--guard", "\(port)"]) { usher, control in
                let gatePort = try await usher.readyPort()
                #expect(usher.log.lines.contains { $0.contains("ready") && $0.contains("guarding=*:\(port)") })
                async let gated = Curl.get(port: gatePort, path: "/gated")
                try await UsherDaemon.waitForRequest("r1", control: control)
                async let guarded = Curl.get(port: port, ["-o", "/dev/null", "-w", "%{http_code}"])
                try await waitForPending(2, control: control)
                let listeners = try await UsherDaemon.client(["listeners"], control: control)
                #expect(listeners.standardOutput.contains("*:\(port)"), "\(listeners.standardOutput)")
                _ = try await UsherDaemon.client(["accept", "r1", "r2"], control: control)
                #expect(try await gated.standardOutput.contains("You sent: GET /gated"), "the demo upstream answered through the gate")
                #expect(try await guarded.standardOutput == "200", "the server answered the guarded client itself")
            }
        }
    }

    // MARK: Fixtures

    /// A stock HTTP server (Python's http.server) on a free port, for `body`.
    private static func withServer(_ body: @Sendable (_ port: Int) async throws -> Void) async throws {
        let folder = try TemporaryDirectory(prefix: "usher-guard-server")
        try await PythonHTTPServer.with(serving: folder.path, body)
    }

    /// A stock HTTP server on a free port, a guard in front of it, and `body` with the port,
    /// the control socket and the guard's process.
    private static func withGuardedServer(
        _ body: @Sendable (_ port: Int, _ control: String, _ guard: BackgroundProcess) async throws -> Void
    ) async throws {
        try await withServer { port in
            _ = try await UsherDaemon.with(["guard", "--port", "\(port)", "--address", "127.0.0.1"]) { usher, control in
                _ = try await chain(of: usher)
                try await body(port, control, usher)
            }
        }
    }

    /// The chain named in the guard's ready line.
    private static func chain(of usher: BackgroundProcess) async throws -> String {
        let ready = try await usher.log.waitForLine(containing: "ready", "chain=")
        let field = try #require(ready.split(separator: " ").first { $0.hasPrefix("chain=") })
        return String(field.dropFirst("chain=".count))
    }

    /// The guard chains in the IPv4 filter table now.
    private static func chains() async throws -> [String] {
        let tool = access("/usr/sbin/iptables-legacy", X_OK) == 0 ? "iptables-legacy" : "iptables"
        let listing = try await ProcessRunner.run(tool, ["-w", "5", "-S"], timeout: .seconds(60))
        return listing.standardOutput.split(separator: "\n").filter { $0.hasPrefix("-N usher-guard-") }.map { String($0.dropFirst(3)) }
    }
}

/// `--guard` beside the gate's own options: one line each, exit 64.
@Suite("usher serve --guard: usage", .timeLimit(.minutes(1)))
struct GuardUsageTests {
    @Test("--guard alone with --upstream or --reject-message, or on a --listen port, is a usage error that says why", arguments: [
        (["--listen", "127.0.0.1:9"], "usher would hold its own connection requests"),
        (["--upstream", "127.0.0.1:9"], "goes straight to its own server"),
        (["--reject-message", "no"], "no connection exists to carry a message"),
    ])
    func refused(extra: [String], says: String) async throws {
        let output = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--guard", "9"] + extra, timeout: .seconds(60))
        #expect(output.exitCode == 64)
        #expect(output.standardError.contains(says), "\(output.standardError)")
    }
}

/// Without CAP_NET_ADMIN: one line that says what is missing, exit 77.
@Suite("usher guard without privileges", .timeLimit(.minutes(1)),
       .enabled(if: getuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0, "needs root to run usher as nobody (setpriv)"))
struct GuardPrivilegeTests {
    @Test("as nobody: exit 77 naming CAP_NET_ADMIN, nothing installed")
    func notRoot() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-guard-nobody")
        chmod(folder.path, 0o777)
        let output = try await ProcessRunner.run(
            "setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", try UsherExecutable.path(), "guard", "--port", "9",
                        "--control", folder.path + "/control.sock"],
            timeout: .seconds(60))
        #expect(output.exitCode == 77)
        #expect(output.standardError.contains("CAP_NET_ADMIN"), "\(output.standardError)")
        #expect(output.standardError.split(separator: "\n").count == 1)
    }
}

private func waitForPending(_ count: Int, control: String) async throws {
    try await UsherDaemon.waitForPending(count, control: control)
}
