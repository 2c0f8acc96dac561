import Foundation
import Testing
import UsherTestSupport

/// Clients whose TLS server names are terminal escape sequences and forged rows, against every
/// command an operator reads them with.
@Suite("Hostile clients and the operator's terminal", .timeLimit(.minutes(2)))
struct HostileClientTests {
    /// A title change and a screen clear; a whole forged row of `usher ls`.
    static let names = [
        "\u{1b}]0;pwned\u{07}\u{1b}[2J.evil",
        "ok.example\r\nr9   pending  1s  59s  127.0.0.1:8080  127.0.0.1:1  forged",
    ]
    static let escaped = [#"\x1b]0;pwned\x07\x1b[2J.evil"#, #"ok.example\r\nr9"#]

    static func unsafe(_ output: String) -> [Unicode.Scalar] { TerminalSafety.unsafeCharacters(in: output) }

    static func connectHostile(port: Int) async throws -> [TCPClient] {
        var clients: [TCPClient] = []
        for name in names {
            let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await client.send(ClientHellos.make(host: name, alpn: ["h2"]))
            clients.append(client)
        }
        return clients
    }

    static func waitForNames(control: String) async throws -> ProcessOutput {
        var listing: ProcessOutput?
        try await poll("both server names in usher ls", every: .milliseconds(100), timeout: .seconds(60)) {
            listing = try? await UsherDaemon.client(["ls"], control: control)
            return escaped.allSatisfy { listing?.standardOutput.contains($0) == true }
        }
        return try #require(listing)
    }

    @Test("ls, ls --json, watch, top --once and the log show the escapes, never the control bytes")
    func everyCommand() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-hostile")
        let rules = folder.path + "/rules.toml"
        try "[[rule]]\nname = \"any-tls\"\nsni = \"*\"\naction = \"ask\"\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let (logged, _) = try await UsherDaemon.with(serveOnFreePort + ["--log-level", "debug", "--rules", rules]) { usher, control in
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: "watching 127.0.0.1:\(port)")
                let clients = try await Self.connectHostile(port: port)
                defer { clients.forEach { $0.close() } }

                let listing = try await Self.waitForNames(control: control)
                #expect(Self.unsafe(listing.standardOutput).isEmpty, "\(listing.standardOutput.debugDescription)")
                let rows = listing.standardOutput.split(separator: "\n")
                #expect(rows.count == 3, "a header and two rows, none forged: \(rows)")
                #expect(!rows.contains { $0.hasPrefix("r9") })

                let json = try await UsherDaemon.client(["ls", "--json"], control: control)
                #expect(Self.unsafe(json.standardOutput).isEmpty, "\(json.standardOutput.debugDescription)")
                let objects = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]] ?? []
                let names = objects.compactMap { ($0["caller_data"] as? [String: Any])?["tls_sni"] as? String }
                #expect(Set(names.map { String($0.prefix(16)) }) == Set(Self.escaped.map { String($0.prefix(16)) }))

                let frame = try await ProcessRunner.run(
                    try UsherExecutable.path(), ["top", "--once", "--control", control],
                    environment: ["COLUMNS": "160", "LINES": "30"])
                #expect(frame.standardOutput.contains(Self.escaped[0]), "\(frame.standardOutput)")
                #expect(Self.unsafe(frame.standardOutput).isEmpty, "\(frame.standardOutput.debugDescription)")

                try await watch.log.waitForLine(containing: "pwned")
                let watched = watch.log.lines.joined(separator: "\n")
                #expect(watched.contains(Self.escaped[0]))
                #expect(Self.unsafe(watched).isEmpty, "\(watched.debugDescription)")
            }
            try await usher.log.waitForLine(containing: "reason=", "sni ", "pwned")
            return usher.log.lines.joined(separator: "\n")
        }
        #expect(logged.contains(Self.escaped[0]), "\(logged)")
        #expect(Self.unsafe(logged).isEmpty, "\(logged.debugDescription)")
    }

    @Test("the dashboard in a terminal: the title stays, the screen shows the escape")
    func dashboard() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { usher, control in
            let port = try await usher.readyPort()
            try await TmuxSession.with(width: 160, height: 30) { terminal in
                let before = try await terminal.title()
                let command = [try UsherExecutable.path(), "top", "--control", control].map(\.shellQuoted).joined(separator: " ")
                try await terminal.type(command)
                try await terminal.press("Enter")
                try await terminal.waitFor("Pending (0)")
                let clients = try await Self.connectHostile(port: port)
                defer { clients.forEach { $0.close() } }
                try await terminal.waitFor("Pending (2)", #"TLS sni=\x1b]0;pwned"#)
                try await terminal.press("Enter")
                try await terminal.waitFor(#"\x1b[2J.evil"#)
                #expect(try await terminal.title() == before, "no escape reached the terminal")
                try await terminal.press("q")
            }
        }
    }
}
