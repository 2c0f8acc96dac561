import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher serve --config FILE` and `usher config check/show`: the configuration file of many
/// gated services, read as a person writes it.
@Suite("Configuration file", .timeLimit(.minutes(2)))
struct ConfigurationFileTests {
    private static func write(_ text: String, in folder: TemporaryDirectory, as name: String = "usher.toml") -> String {
        let path = folder.path + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// The port of each listener, from usher's `ready` line.
    private static func listenerPorts(of usher: BackgroundProcess, count: Int) async throws -> [Int] {
        let ready = try await usher.log.waitForLine(containing: "ready", "listeners=")
        let ports = try #require(ready.split(separator: " ").first { $0.hasPrefix("listeners=") })
            .dropFirst("listeners=".count).split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
        try #require(ports.count == count, "\(ready)")
        return ports
    }

    @Test(
        "two [[listener]]s to two upstreams, a web server and redis: each with its own policy and reject message; a flag wins over the file",
        .enabled(if: RedisServer.isInstalled, "needs redis-server (Debian's redis-server package)"))
    func twoServices() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config")
        try await PythonHTTPServer.with(serving: folder.path) { web in
            try await RedisServer.with(in: folder.path) { redis in
                let file = Self.write("""
                    policy = "ask"
                    pending_timeout = "60s"
                    timeout_action = "accept"

                    [[listener]]
                    listen = ["127.0.0.1:0"]
                    upstream = "127.0.0.1:\(web)"
                    policy = "accept"

                    [[listener]]
                    listen = ["127.0.0.1:0"]
                    upstream = "127.0.0.1:\(redis)"
                    reject_message = "-ERR not now\\r\\n"
                    """, in: folder)
                let check = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", file])
                #expect(check.exitCode == 0, "\(check.standardError)")
                _ = try await UsherDaemon.with(["serve", "--config", file, "--timeout-action", "reject", "--journal", "none"]) { usher, control in
                    let ports = try await Self.listenerPorts(of: usher, count: 2)
                    let ready = try await usher.log.waitForLine(containing: "ready", "listeners=")
                    #expect(ready.contains("timeout_action=reject"), "the flag wins over the file: \(ready)")
                    let first = try await Curl.get(port: ports[0], ["-o", "/dev/null", "-w", "%{http_code}"])
                    #expect(first.standardOutput == "200", "accepted by its listener's policy and answered by its upstream")

                    let turnedAway = try await TCPClient.connect(to: "127.0.0.1", port: ports[1])
                    try await turnedAway.send("PING\r\n")
                    try await UsherDaemon.waitForPending(1, control: control)
                    _ = try await UsherDaemon.client(["reject", "r2"], control: control)
                    #expect(String(decoding: try await turnedAway.readToEnd(), as: UTF8.self) == "-ERR not now\r\n")

                    let admitted = try await TCPClient.connect(to: "127.0.0.1", port: ports[1])
                    try await admitted.send("PING\r\n")
                    try await UsherDaemon.waitForPending(1, control: control)
                    _ = try await UsherDaemon.client(["accept", "r3"], control: control)
                    #expect(try await admitted.read(atLeast: 7) == Array("+PONG\r\n".utf8), "redis answers the caller data sent while pending")
                    admitted.close()
                }
            }
        }
    }

    @Test("usher reload and SIGHUP: a new listener binds, a removed one drains (its pending request still decided, its proxied stream still open), a bad file changes nothing")
    func reload() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config-reload")
        let first = """
            policy = "ask"

            [[listener]]
            listen = ["127.0.0.1:0"]

            [[listener]]
            listen = ["127.0.0.2:0"]
            policy = "accept"
            """
        let file = Self.write(first, in: folder)
        _ = try await UsherDaemon.with(["serve", "--config", file, "--journal", "none"]) { usher, control in
            let ports = try await Self.listenerPorts(of: usher, count: 2)
            // A request pending on the listener about to go, a proxied stream on the one that stays.
            let pending = try await TCPClient.connect(to: "127.0.0.1", port: ports[0])
            try await pending.send("GET /waiting HTTP/1.0\r\n\r\n")
            try await UsherDaemon.waitForPending(1, control: control)
            let proxied = try await TCPClient.connect(to: "127.0.0.2", port: ports[1])
            try await proxied.send("ping\n")
            #expect(String(decoding: try await proxied.read(atLeast: 5), as: UTF8.self) == "ping\n")

            _ = Self.write("""
                policy = "ask"
                pending_timeout = "5m"

                [[listener]]
                listen = ["127.0.0.2:0"]
                policy = "accept"

                [[listener]]
                listen = ["127.0.0.3:0"]
                policy = "accept"
                """, in: folder)
            let reload = try await UsherDaemon.client(["reload"], control: control)
            #expect(reload.exitCode == 0, "\(reload.standardError)")
            #expect(reload.standardOutput.contains("listening on 127.0.0.3:"), "\(reload.standardOutput)")
            #expect(reload.standardOutput.contains("stopped listening on 127.0.0.1:\(ports[0])"), "\(reload.standardOutput)")
            #expect(reload.standardOutput.contains("pending_timeout in force for new requests"), "\(reload.standardOutput)")
            let added = try await usher.log.waitForLine(containing: "listening", "listener=127.0.0.3:")
            let newPort = try #require(added.split(separator: "listener=127.0.0.3:").last?.prefix { $0.isNumber }).description

            let listing = try await UsherDaemon.client(["listeners"], control: control)
            #expect(listing.standardOutput.contains("127.0.0.1:\(ports[0])") && listing.standardOutput.contains("closed"), "\(listing.standardOutput)")
            await #expect(throws: (any Error).self, "the removed listener's port takes no connection") {
                try await TCPClient.connect(to: "127.0.0.1", port: ports[0]).close()
            }
            // Nothing held was dropped: the proxied stream still echoes, the pending request is decided.
            try await proxied.send("pong\n")
            #expect(String(decoding: try await proxied.read(atLeast: 5), as: UTF8.self) == "pong\n")
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            #expect(String(decoding: try await pending.readToEnd(), as: UTF8.self).contains("GET /waiting"))
            let fresh = try await TCPClient.connect(to: "127.0.0.3", port: try #require(Int(newPort)))
            try await fresh.send("GET /new HTTP/1.0\r\n\r\n")
            #expect(String(decoding: try await fresh.readToEnd(), as: UTF8.self).contains("200"), "the new listener's own policy accepts")

            // A bad file changes nothing and says where; SIGHUP does what usher reload does.
            _ = Self.write("policy = \"sideways\"\n", in: folder)
            let refused = try await UsherDaemon.client(["reload"], control: control)
            #expect(refused.exitCode == 1)
            #expect(refused.standardError.contains("usher.toml:1:1:") && refused.standardError.contains("nothing changed"), "\(refused.standardError)")
            usher.send(signal: SIGHUP)
            _ = try await usher.log.waitForLine(containing: "configuration not reloaded")
            let still = try await TCPClient.connect(to: "127.0.0.3", port: try #require(Int(newPort)))
            try await still.send("GET /still HTTP/1.0\r\n\r\n")
            #expect(String(decoding: try await still.readToEnd(), as: UTF8.self).contains("200"))
            proxied.close()
        }
        withExtendedLifetime(folder) {}
    }

    @Test("a [[listener]] with a rules file of its own is decided by it; the others by the policy; a reload reads it again")
    func listenerRules() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config-rules")
        let rules = Self.write("""
            inspect_delay = "5s"

            [[rule]]
            name = "no-admin"
            path = "/admin/"
            action = "reject"
            message = "HTTP/1.0 403 Forbidden\\r\\n\\r\\n"

            [default]
            action = "accept"
            """, in: folder, as: "web-rules.toml")
        let file = Self.write("""
            policy = "ask"
            pending_timeout = "1m"

            [[listener]]
            listen = ["127.0.0.1:0"]
            rules = "\(rules)"

            [[listener]]
            listen = ["127.0.0.2:0"]
            """, in: folder)
        let check = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", file])
        #expect(check.exitCode == 0, "\(check.standardError)")
        _ = try await UsherDaemon.with(["serve", "--config", file, "--journal", "none"]) { usher, control in
            let ports = try await Self.listenerPorts(of: usher, count: 2)
            let page = try await Curl.get(port: ports[0], path: "/page", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(page.standardOutput == "200", "its rules' [default] accepts")
            let admin = try await Curl.get(port: ports[0], path: "/admin/users", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(admin.standardOutput == "403", "its rule rejects")
            let other = try await TCPClient.connect(to: "127.0.0.2", port: ports[1])
            try await other.send("GET /admin HTTP/1.0\r\n\r\n")
            try await UsherDaemon.waitForPending(1, control: control)
            let listing = try await UsherDaemon.client(["ls"], control: control)
            #expect(listing.standardOutput.contains("127.0.0.2:\(ports[1])"), "the other listener waits for an operator: \(listing.standardOutput)")

            _ = Self.write("[[rule]]\nname = \"all\"\naction = \"reject\"\n", in: folder, as: "web-rules.toml")
            let reload = try await UsherDaemon.client(["reload"], control: control)
            #expect(reload.exitCode == 0, "\(reload.standardError)")
            let now = try await Curl.get(port: ports[0], path: "/page", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(now.standardOutput != "200", "the reloaded rules reject everything: \(now.standardOutput)")
            other.close()

            _ = Self.write("[[rule]]\nname = \"broken\"\npeer = \"10.0.0.0/33\"\naction = \"reject\"\n", in: folder, as: "web-rules.toml")
            let refused = try await UsherDaemon.client(["reload"], control: control)
            #expect(refused.exitCode == 1)
            #expect(refused.standardError.contains("web-rules.toml:3:"), "\(refused.standardError)")
            let still = try await Curl.get(port: ports[0], path: "/page", ["-o", "/dev/null", "-w", "%{http_code}"])
            #expect(still.standardOutput != "200", "the rules read before stay in force")
            let broken = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", file])
            #expect(broken.exitCode == 64)
            #expect(broken.standardError.contains("web-rules.toml:3:"), "config check reads the rules files too: \(broken.standardError)")
        }
        withExtendedLifetime(folder) {}
    }

    @Test("config check reports every problem as FILE:LINE:COL and exits 64")
    func check() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config-check")
        let file = Self.write("""
            polcy = "ask"
            pending_timeout = "soon"

            [[listener]]
            listen = ["127.0.0.1:notaport"]

            [[listener]]
            listen = ["127.0.0.1:9000"]

            [[listener]]
            listen = "127.0.0.1:9000"
            """, in: folder)
        let output = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", file])
        #expect(output.exitCode == 64)
        let lines = output.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("\(file):1:1: unknown key 'polcy' (did you mean 'policy'?)") }, "\(lines)")
        #expect(lines.contains { $0.contains("\(file):2:1:") && $0.contains("'soon' is not a duration") }, "\(lines)")
        #expect(lines.contains { $0.contains("\(file):5:1:") && $0.contains("'notaport' is not a port number") }, "\(lines)")
        #expect(lines.contains { $0.contains("\(file):11:1: listen address 127.0.0.1:9000 is already a listener") }, "\(lines)")

        let broken = Self.write("policy = \"ask\"\n[[listener]\n", in: folder, as: "broken.toml")
        let syntax = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", broken])
        #expect(syntax.exitCode == 64)
        #expect(syntax.standardError.contains("\(broken):2:"), "\(syntax.standardError)")
        let serve = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--config", file])
        #expect(serve.exitCode == 64, "usher serve refuses the same file")
    }

    @Test("config show names each value's source: the command line, the file and line, or the default")
    func show() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config-show")
        let file = Self.write("policy = \"accept\"\npending_timeout = \"5s\"\n", in: folder)
        let output = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "show", file, "--", "--pending-timeout", "9s"])
        #expect(output.exitCode == 0, "\(output.standardError)")
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("policy = \"accept\"  # \(file):1"))
        #expect(lines.contains("pending_timeout = \"9s\"  # command line"))
        #expect(lines.contains("max_pending = 10000  # default"))
    }
}
