import Foundation
import Testing
import UsherTestSupport

/// `usher serve --proxy-protocol-from` behind a real HAProxy (`send-proxy` and `send-proxy-v2`):
/// rules see the original client, and the upstream never gets the header.
@Suite("usher behind HAProxy", .timeLimit(.minutes(2)))
struct ProxyProtocolTests {
    static let rules = """
        [[rule]]
        name = "scanner"
        peer = "127.0.0.2/32"
        action = "reject"
        message = "HTTP/1.0 403 Forbidden\\r\\n\\r\\n"

        [default]
        action = "ask"
        """

    /// Binds two listening sockets on port 0, writes an HAProxy configuration that takes them
    /// over (`bind fd@N`) and forwards to usher with `send-proxy` and `send-proxy-v2`, prints
    /// both ports, then becomes HAProxy (same PID, so the test stops it).
    static let launcher = """
        import os, socket, sys
        folder, usher = sys.argv[1], sys.argv[2]
        sockets = []
        for _ in range(2):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(64)
            os.set_inheritable(s.fileno(), True)
            sockets.append(s)
        config = f'''global
          log stderr format raw local0 info
        defaults
          mode tcp
          log global
          timeout connect 5s
          timeout client 60s
          timeout server 60s
        frontend version1
          bind fd@{sockets[0].fileno()}
          default_backend to_usher_v1
        frontend version2
          bind fd@{sockets[1].fileno()}
          default_backend to_usher_v2
        backend to_usher_v1
          server usher 127.0.0.1:{usher} send-proxy
        backend to_usher_v2
          server usher 127.0.0.1:{usher} send-proxy-v2
        '''
        with open(folder + "/haproxy.cfg", "w") as f:
            f.write(config)
        print("ports", sockets[0].getsockname()[1], sockets[1].getsockname()[1], flush=True)
        os.execvp("haproxy", ["haproxy", "-db", "-f", folder + "/haproxy.cfg"])
        """

    static func listing(_ control: String) async throws -> [[String: Any]] {
        let output = try await UsherDaemon.client(["ls", "--json"], control: control)
        return (try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]]) ?? []
    }

    @Test("through send-proxy and send-proxy-v2, 127.0.0.2 meets its rule, 127.0.0.3 waits under its own address, and the upstream sees plain HTTP")
    func behindHAProxy() async throws {
        let folder = try TemporaryDirectory()
        try Self.rules.write(toFile: folder.path + "/rules.toml", atomically: true, encoding: .utf8)
        try Self.launcher.write(toFile: folder.path + "/launch.py", atomically: true, encoding: .utf8)
        let arguments = serveOnFreePort + ["--rules", folder.path + "/rules.toml", "--proxy-protocol-from", "127.0.0.1/32"]
        _ = try await UsherDaemon.with(arguments) { usher, control in
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with("python3", ["-u", folder.path + "/launch.py", folder.path, String(port)]) { haproxy in
                let ports = try await haproxy.log.waitForLine(containing: "ports").split(separator: " ").dropFirst().compactMap { Int($0) }
                try #require(ports.count == 2)
                for proxy in ports {
                    let scanner = try await Self.curl(proxy, from: "127.0.0.2", path: "/scan", ["-o", "/dev/null", "-w", "%{http_code}"])
                    #expect(scanner.standardOutput == "403", "through \(proxy): \(scanner.standardError)")
                }
                // The log line is written off the I/O loop, after the 403 may have reached curl.
                try await poll("both rejections logged", every: .milliseconds(50), timeout: .seconds(60)) {
                    usher.log.count(containing: "rejected", #"by="rule scanner""#, "source=127.0.0.2:") == 2
                }

                for (index, proxy) in ports.enumerated() {
                    async let waiting = Self.curl(proxy, from: "127.0.0.3", path: "/waits\(index)", [], maxTime: 60)
                    try await poll("curl pending", every: .milliseconds(100), timeout: .seconds(60)) {
                        try await Self.listing(control).contains { ($0["source"] as? String)?.hasPrefix("127.0.0.3:") == true }
                    }
                    let request = try #require(try await Self.listing(control).first)
                    let outcomes = try #require(request["outcomes"] as? [[String: String]])
                    #expect(outcomes.first?["reason"] == "peer 127.0.0.3 not in 127.0.0.2")
                    #expect((request["peer"] as? String)?.hasPrefix("127.0.0.1:") == true)
                    let listed = try await UsherDaemon.client(["ls"], control: control)
                    #expect(listed.standardOutput.contains(" via 127.0.0.1:"), "\(listed.standardOutput)")
                    let accepted = try await UsherDaemon.client(["accept", "--peer", "127.0.0.3"], control: control)
                    #expect(accepted.exitCode == 0, "\(accepted.standardError)")
                    let answer = try await waiting.standardOutput
                    #expect(answer.contains("You sent: GET /waits\(index)"), "\(answer)")
                    #expect(!answer.contains("PROXY"))
                }
                return ()
            }

            // A trusted address that sends no header is closed, with the reason in the log.
            let direct = try await Curl.get(port: port, path: "/direct", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(direct.standardOutput == "000")
            try await usher.log.waitForLine(containing: "rejected", #"by=proxy-protocol"#, "does not start with a PROXY header")
            // An untrusted peer is gated on its own address, its bytes never read as a header.
            let untrusted = try await Curl.get(port: port, path: "/", ["--interface", "127.0.0.2", "-o", "/dev/null", "-w", "%{http_code}"])
            #expect(untrusted.standardOutput == "403")
        }
    }

    static func curl(_ port: Int, from address: String, path: String, _ extra: [String], maxTime: Int = 60) async throws -> ProcessOutput {
        try await Curl.get(port: port, path: path, ["--interface", address] + extra, maxTime: maxTime)
    }

    @Test("a bad --proxy-protocol-from is refused with the flag and the reason")
    func badNetwork() async throws {
        let output = try await ProcessRunner.run(
            try UsherExecutable.path(), ["serve", "--proxy-protocol-from", "10.0.0.0/8,nonsense"], timeout: .seconds(60))
        #expect(output.exitCode == 64)
        #expect(output.standardError.contains("--proxy-protocol-from"), "\(output.standardError)")
        #expect(output.standardError.contains("'nonsense' is not an IP address or network"), "\(output.standardError)")
    }
}
