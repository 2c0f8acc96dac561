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

    @Test("two [[listener]]s to two upstreams: each with its own policy and reject message; a flag wins over the file")
    func twoServices() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-config")
        try await PythonHTTPServer.with(serving: folder.path) { web in
            try await PythonHTTPServer.with(serving: folder.path) { other in
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
                    upstream = "127.0.0.1:\(other)"
                    reject_message = "-ERR not now\\r\\n"
                    """, in: folder)
                let check = try await ProcessRunner.run(try UsherExecutable.path(), ["config", "check", file])
                #expect(check.exitCode == 0, "\(check.standardError)")
                _ = try await UsherDaemon.with(["serve", "--config", file, "--timeout-action", "reject", "--journal", "none"]) { usher, control in
                    let ready = try await usher.log.waitForLine(containing: "ready", "listeners=")
                    let ports = try #require(ready.split(separator: " ").first { $0.hasPrefix("listeners=") })
                        .dropFirst("listeners=".count).split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                    try #require(ports.count == 2, "\(ready)")
                    #expect(ready.contains("timeout_action=reject"), "the flag wins over the file: \(ready)")
                    let first = try await Curl.get(port: ports[0], ["-o", "/dev/null", "-w", "%{http_code}"])
                    #expect(first.standardOutput == "200", "accepted by its listener's policy and answered by its upstream")

                    let client = try await TCPClient.connect(to: "127.0.0.1", port: ports[1])
                    try await client.send("PING\r\n")
                    try await UsherDaemon.waitForPending(1, control: control)
                    _ = try await UsherDaemon.client(["reject", "r2"], control: control)
                    #expect(String(decoding: try await client.readToEnd(), as: UTF8.self) == "-ERR not now\r\n")
                }
            }
        }
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
