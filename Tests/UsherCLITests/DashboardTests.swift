import Foundation
import Testing
import UsherTestSupport

/// The dashboard in a real terminal (a private tmux server), driven with keys while curl waits.
@Suite("Dashboard in a terminal", .timeLimit(.minutes(2)))
struct DashboardTests {
    /// Starts `curl` in the background and returns its task (output and exit code).
    func curl(_ port: Int, _ path: String) -> Task<ProcessOutput, any Error> {
        Task { try await ProcessRunner.run("curl", ["-sS", "-m", "30", "http://127.0.0.1:\(port)\(path)"], timeout: .seconds(40)) }
    }

    /// Types `usher top ARGUMENTS --control CONTROL` (and `; echo top-exit=$?`), presses Enter and
    /// waits for the table.
    func startTop(in terminal: TmuxSession, _ arguments: [String] = [], control: String, echoingExit: Bool = false) async throws {
        let usher = try UsherExecutable.path()
        let command = ([usher, "top"] + arguments + ["--control", control]).map(\.shellQuoted).joined(separator: " ")
        try await terminal.type(command + (echoingExit ? "; echo top-exit=$?" : ""))
        try await terminal.press("Enter")
        try await terminal.waitFor("Pending (0)")
    }

    @Test("usher run: a curl appears, a answers it, r refuses, d then a, / filters, resize, q leaves a clean prompt")
    func run() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-run")
        let log = folder.path + "/usher.log"
        let usher = try UsherExecutable.path()
        let command = [usher, "run", "--listen", "127.0.0.1:0", "--control", folder.path + "/control.sock", "--log-file", log]
        try await TmuxSession.with(width: 120, height: 40) { terminal in
            try await terminal.type(command.map(\.shellQuoted).joined(separator: " ") + "; echo usher-exit=$?")
            try await terminal.press("Enter")
            try await terminal.waitFor("Pending (0)", "No pending requests", "a Accept")
            let port = try await readyPort(fromLog: log)

            let first = curl(port, "/first")
            try await terminal.waitFor("r1", "GET /first HTTP/1.1")
            try await waitOutDecisionPause()
            try await terminal.press("a")
            let answered = try await first.value
            #expect(answered.standardOutput.contains("You sent: GET /first HTTP/1.1"))
            try await terminal.waitFor("Pending (0)", "r1 accepted by \(UserName.current) (uid \(getuid()), pid", "↑↓ to choose another request")

            // The cursor stays on r1's place; a move takes the request that arrived.
            let second = curl(port, "/second")
            try await terminal.waitFor("r2", "GET /second")
            try await terminal.press("Down")
            try await terminal.press("r")
            let refused = try await second.value
            #expect(refused.exitCode != 0, "curl fails: \(refused.standardError)")
            try await terminal.waitFor("r2 rejected")

            let third = curl(port, "/third")
            try await terminal.waitFor("r3", "GET /third")
            try await terminal.press("Down")
            try await terminal.press("d")
            try await terminal.waitFor("Defer r3 for: 30s")
            try await terminal.press("Enter")
            try await terminal.waitFor("deferred", "r3 deferred")
            try await terminal.press("/")
            try await terminal.type("no-such-client")
            try await terminal.press("Enter")
            try await terminal.waitFor("No pending request matches 'no-such-client'")
            try await terminal.press("\\")
            try await terminal.waitFor("filter: none", "GET /third")
            try await waitOutDecisionPause()
            try await terminal.press("a")
            #expect(try await third.value.standardOutput.contains("You sent: GET /third"))

            try await terminal.resize(width: 80, height: 24)
            let small = try await terminal.waitForScreen("an 80-column frame") { screen in
                let lines = screen.split(separator: "\n")
                return lines.contains { $0.hasPrefix("└") && $0.count == 80 } && screen.contains("Pending (0)")
            }
            #expect(small.contains("q Quit"))
            try await terminal.resize(width: 40, height: 10)
            try await terminal.waitFor("usher needs at least 60×15")
            try await terminal.resize(width: 120, height: 40)
            try await terminal.waitFor("Pending (0)")

            try await terminal.press("q")
            let after = try await terminal.waitFor("usher-exit=0", "usher: stopped; arrived 3 = accepted 2 + rejected 1")
            #expect(!after.contains("Pending ("), "the dashboard's screen is gone: \(after)")
            try await terminal.type("echo still-$((20+22))")
            try await terminal.press("Enter")
            try await terminal.waitFor("still-42")
        }
        withExtendedLifetime(folder) {}
    }

    @Test("usher run: Ctrl-C asks what q asks, n keeps the gate, Ctrl-C twice stops it; Ctrl-Z is refused")
    func interruptKeys() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-run-keys")
        // No --log-file: the log goes to the state directory.
        let log = folder.path + "/state/usher/usher-run.log"
        let usher = try UsherExecutable.path()
        let command = [usher, "run", "--listen", "127.0.0.1:0", "--control", folder.path + "/control.sock"]
        try await TmuxSession.with(width: 120, height: 40, environment: ["XDG_STATE_HOME": folder.path + "/state"]) { terminal in
            try await terminal.type(command.map(\.shellQuoted).joined(separator: " ") + "; echo usher-exit=$?")
            try await terminal.press("Enter")
            try await terminal.waitFor("Pending (0)")
            let port = try await readyPort(fromLog: log)
            let waiting = curl(port, "/held")
            try await terminal.waitFor("GET /held")
            try await terminal.press("C-z")
            try await terminal.waitFor("Ctrl-Z would stop the gate with the dashboard")
            try await terminal.press("C-c")
            try await terminal.waitFor("Quit? 1 pending request will get the timeout action", "y or Ctrl-C again")
            try await terminal.press("n")
            try await terminal.waitFor("cancelled")
            #expect(try await UsherDaemon.client(["ls"], control: folder.path + "/control.sock").standardOutput.contains("GET /held"))
            try await terminal.press("C-c")
            try await terminal.press("C-c")
            try await terminal.waitFor("usher-exit=0")
            #expect(try await waiting.value.exitCode != 0, "the held curl got the timeout action")
            let logged = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(logged.contains(" ready ") && logged.contains("arrived id=r1 "), "\(logged)")
        }
        withExtendedLifetime(folder) {}
    }

    @Test("usher top --read-only shows no decision key, and a pressed one decides nothing")
    func readOnly() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let usher = try UsherExecutable.path()
            try await TmuxSession.with(width: 120, height: 30) { terminal in
                try await terminal.type([usher, "top", "--read-only", "--control", control].map(\.shellQuoted).joined(separator: " "))
                try await terminal.press("Enter")
                let screen = try await terminal.waitFor("Pending (0)", "read-only", "q Quit")
                let bar = screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
                #expect(!bar.contains("Accept") && !bar.contains("Reject") && !bar.contains("Defer"), "\(bar)")
                let waiting = curl(port, "/watched")
                try await terminal.waitFor("GET /watched")
                try await waitOutDecisionPause()
                try await terminal.press("a")
                try await terminal.waitFor("this dashboard decides nothing")
                #expect(try await UsherDaemon.client(["ls"], control: control).standardOutput.contains("GET /watched"))
                _ = try await UsherDaemon.client(["accept", "all"], control: control)
                #expect(try await waiting.value.standardOutput.contains("You sent: GET /watched"))
                try await terminal.press("q")
            }
        }
    }

    @Test("usher top: the : command line decides by ID and by peer (asking first), completes, recalls, changes the theme")
    func commandLine() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            try await TmuxSession.with(width: 120, height: 30) { terminal in
                try await startTop(in: terminal, control: control)
                let first = curl(port, "/one")
                try await terminal.waitFor("GET /one")
                let second = curl(port, "/two")
                try await terminal.waitFor("GET /two")
                try await terminal.press(":")
                try await terminal.type("acc")
                try await terminal.press("Tab")
                try await terminal.waitFor(":accept _")
                try await terminal.type("r1")
                try await terminal.press("Enter")
                #expect(try await first.value.standardOutput.contains("You sent: GET /one"))
                try await terminal.press(":")
                try await terminal.type("reject peer 127.0.0.0/8")
                try await terminal.press("Enter")
                try await terminal.waitFor("Reject 1 request from 127.0.0.0/8 (r2")
                try await terminal.press("y")
                #expect(try await second.value.exitCode != 0)
                try await terminal.waitFor("Pending (0)")
                try await terminal.press(":")
                try await terminal.press("Up")
                try await terminal.waitFor(":reject peer 127.0.0.0/8_")
                try await terminal.press("C-u")
                try await terminal.type("theme mono")
                try await terminal.press("Enter")
                try await terminal.waitFor("theme mono")
                try await terminal.press(":")
                try await terminal.type("sideways")
                try await terminal.press("Enter")
                try await terminal.waitFor(":sideways: 'sideways' is not a command")
                try await terminal.press("q")
            }
        }
    }

    @Test("usher top --interval 1m: a resize is drawn at once, not at the next refresh")
    func resizeRedraws() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { _, control in
            try await TmuxSession.with(width: 120, height: 30) { terminal in
                try await startTop(in: terminal, ["--interval", "1m"], control: control)
                for (width, height) in [(90, 26), (130, 34), (80, 24)] {
                    try await terminal.resize(width: width, height: height)
                    // Well within the minute the refresh would take.
                    try await terminal.waitForScreen("a \(width)-column frame", timeout: .seconds(60)) { screen in
                        screen.split(separator: "\n").contains { $0.hasPrefix("└") && $0.count == width }
                    }
                }
                try await terminal.press("q")
            }
        }
    }

    @Test("usher top: a stopping daemon shows its drain, then that it stopped; a daemon back on the socket is shown again")
    func reconnects() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-top-reconnect")
        let control = folder.path + "/control.sock"
        let environment = ["USHER_CONTROL": control]
        try await TmuxSession.with(width: 140, height: 30) { terminal in
            _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept", "--drain-timeout", "4s"], environment: environment) { daemon, _ in
                let port = try await daemon.readyPort()
                try await startTop(in: terminal, control: control)
                let proxied = try await TCPClient.connect(to: "127.0.0.1", port: port)
                defer { proxied.close() }
                try await proxied.send("ping\n")
                _ = try await proxied.read(atLeast: 5)
                daemon.send(signal: SIGTERM)
                try await terminal.waitFor("usher is stopping: draining (1 proxied")
                try await daemon.waitForExit()
            }
            try await terminal.waitFor("daemon stopped at", "reconnecting…")
            _ = try await UsherDaemon.with(serveOnFreePort, environment: environment) { daemon, _ in
                _ = try await daemon.readyPort()
                let screen = try await terminal.waitForScreen("connected again") { $0.contains("connected again") && !$0.contains("reconnecting") }
                #expect(screen.contains("Pending (0)"))
                try await terminal.press("q")
            }
        }
        withExtendedLifetime(folder) {}
    }

    @Test("usher top: Up past the oldest event reads the journal, older runs included; Enter on a line shows its row; a failing notify is a line")
    func journalInTheLog() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-top-journal")
        let journal = folder.path + "/j.sqlite"
        // A run that ended: its requests are only in the journal now.
        _ = try await UsherDaemon.with(serveOnFreePort + ["--policy", "accept", "--journal", journal]) { daemon, _ in
            let port = try await daemon.readyPort()
            _ = try await curl(port, "/yesterday").value
            daemon.send(signal: SIGTERM)
            try await daemon.waitForExit()
        }
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", journal, "--notify", "false"]) { daemon, control in
            let port = try await daemon.readyPort()
            try await TmuxSession.with(width: 120, height: 40) { terminal in
                try await startTop(in: terminal, control: control)
                let waiting = curl(port, "/today")
                try await terminal.waitFor("r1", "GET /today")
                try await terminal.waitFor("notify false failed for r1: exit 1")
                try await waitOutDecisionPause()
                try await terminal.press("a")
                try await terminal.waitFor("r1 accepted by")
                _ = try await waiting.value
                try await terminal.press("Tab")
                try await terminal.waitFor("▶ Events")
                try await terminal.press("Home")
                try await terminal.press("Up")
                let screen = try await terminal.waitFor("start of the journal", "older requests from the journal")
                #expect(screen.contains("r1 accepted by policy"), "the older run's r1")
                try await terminal.press("Home")
                try await terminal.press("Enter")
                try await terminal.waitFor("r1 ─ accepted ─ from the journal", "Decided by policy", "Why        --policy accept")
                try await terminal.press("Enter")
                try await openLogLine(in: terminal, showing: "HTTP GET /today HTTP/1.1")
                try await terminal.waitFor("r1 ─ accepted ─ from the journal")
                try await terminal.press("q")
            }
        }
        withExtendedLifetime(folder) {}
    }

    /// Opens the newest line of the event log whose detail shows `text`, walking up from the
    /// newest line: lines about the host's other listeners (whose queues fill while other tests
    /// run) may come after the one wanted.
    private func openLogLine(in terminal: TmuxSession, showing text: String) async throws {
        var linesUp = 0
        for _ in 0..<60 where linesUp < 40 {
            try await terminal.press("End")
            try await terminal.waitFor("▶ Events")
            for _ in 0..<linesUp { try await terminal.press("Up") }
            try await terminal.press("Enter")
            let screen = try await terminal.waitForScreen("a detail") { screen in
                screen.contains(text) || screen.contains("Enter closes the detail")
                    || (screen.contains("from the journal") && screen.contains("Decided by"))
            }
            if screen.contains(text) { return }
            // A line of a request the journal has not written yet is tried again.
            if !screen.contains("not in the journal yet") { linesUp += 1 }
            try await terminal.press("Enter")
        }
        throw TmuxFailure(error: "no line of the event log shows \(text)", screen: try await terminal.screen())
    }

    @Test("usher top: a decision after the daemon closed the idle decision connection goes through on a new one")
    func decisionAfterIdleClose() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", "none", "--control-idle-timeout", "300ms"]) { daemon, control in
            let port = try await daemon.readyPort()
            try await TmuxSession.with(width: 120, height: 30) { terminal in
                try await startTop(in: terminal, control: control)
                let first = curl(port, "/first")
                try await terminal.waitFor("r1", "GET /first")
                try await waitOutDecisionPause()
                try await terminal.press("a")
                #expect(try await first.value.standardOutput.contains("You sent: GET /first"))
                // The decision connection is now idle; the daemon closes it after 300 ms.
                let second = curl(port, "/second")
                try await terminal.waitFor("r2", "GET /second")
                try await terminal.press("Down")
                try await Task.sleep(for: .seconds(1))
                try await terminal.press("a")
                #expect(try await second.value.standardOutput.contains("You sent: GET /second"))
                let screen = try await terminal.screen()
                #expect(!screen.contains("idle"), "no error for the operator: \(screen)")
                try await terminal.press("q")
            }
        }
    }

    @Test("usher top attaches to usher serve: the row appears and a lets curl through; Ctrl-C restores the terminal")
    func top() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let usher = try UsherExecutable.path()
            try await TmuxSession.with(width: 100, height: 30) { terminal in
                try await terminal.type([usher, "top", "--control", control, "--theme", "light"].map(\.shellQuoted).joined(separator: " ") + "; echo top-exit=$?")
                try await terminal.press("Enter")
                try await terminal.waitFor("Pending (0)", "operator")
                let waiting = curl(port, "/via-top")
                try await terminal.waitFor("r1", "GET /via-top")
                try await terminal.press("Enter")
                try await terminal.waitFor("Caller data", "0000  47 45 54 20 2f 76 69 61")
                try await waitOutDecisionPause()
                try await terminal.press("F2")
                #expect(try await waiting.value.standardOutput.contains("You sent: GET /via-top"))
                try await terminal.waitFor("r1 accepted")
                try await terminal.press("C-c")
                try await terminal.waitFor("top-exit=0")
            }
        }
    }

    @Test("usher top: B selected between A and C, B's client leaves, a pressed at once does not accept C")
    func keyAfterSelectedLeaves() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            try await TmuxSession.with(width: 120, height: 30) { terminal in
                try await startTop(in: terminal, control: control)
                var clients: [TCPClient] = []
                for name in ["a", "b", "c"] {
                    let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                    try await client.send("GET /\(name) HTTP/1.1\r\nHost: x\r\n\r\n")
                    clients.append(client)
                    try await terminal.waitFor("GET /\(name)")
                }
                defer { clients.forEach { $0.close() } }
                try await terminal.waitFor("Pending (3)")
                try await terminal.press("Down")
                try await terminal.waitFor("▶ r2")
                clients[1].close()
                try await terminal.press("a")
                try await terminal.waitFor("r2 withdrawn by its client")
                try await waitOutDecisionPause()
                try await terminal.press("a")
                try await terminal.waitFor("nothing decided; move to choose a request")
                let listing = try await UsherDaemon.client(["ls"], control: control).standardOutput
                #expect(listing.contains("r1") && listing.contains("r3"), "A and C still wait: \(listing)")
                #expect(try await clients[2].staysQuiet(for: .milliseconds(300)), "C got no answer")
                try await terminal.press("q")
            }
        }
    }

    @Test("usher top: m opens the decision dialog; accepting for the peer lets the next curl through without asking")
    func decisionDialog() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let usher = try UsherExecutable.path()
            try await TmuxSession.with(width: 100, height: 30) { terminal in
                try await terminal.type([usher, "top", "--control", control].map(\.shellQuoted).joined(separator: " ") + "; echo top-exit=$?")
                try await terminal.press("Enter")
                try await terminal.waitFor("Pending (0)", "m Remember")
                let first = curl(port, "/first")
                try await terminal.waitFor("r1", "GET /first")
                try await waitOutDecisionPause()
                try await terminal.press("m")
                try await terminal.waitFor("Decide r1", "[accept]", "[connection]", "[once]", "accept r1 only; nothing is remembered")
                try await terminal.press("Down")
                try await terminal.press("Right")
                try await terminal.waitFor("[peer]", "[5m]", "accept r1 and every request from 127.0.0.1 for 5m")
                try await terminal.press("Enter")
                #expect(try await first.value.standardOutput.contains("You sent: GET /first"))
                try await terminal.waitFor("r1 accepted; remembered as peer:127.0.0.1")
                let second = try await curl(port, "/second").value
                #expect(second.standardOutput.contains("You sent: GET /second"), "passes without asking: \(second.standardError)")
                try await daemon.log.waitForLine(containing: "accepted", "id=r2", #"by="rule peer:127.0.0.1""#)
                let rules = try await UsherDaemon.client(["rules", "ls"], control: control)
                #expect(rules.standardOutput.contains("peer:127.0.0.1"), "\(rules.standardOutput)")
                try await terminal.press("C-c")
                try await terminal.waitFor("top-exit=0")
            }
        }
    }

    @Test("usher top --once prints one plain frame of the daemon's state")
    func once() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort) { daemon, control in
            let port = try await daemon.readyPort()
            let waiting = curl(port, "/once")
            try await UsherDaemon.waitForRequest("r1", control: control)
            let frame = try await ProcessRunner.run(
                try UsherExecutable.path(), ["top", "--once", "--control", control],
                environment: ["COLUMNS": "100", "LINES": "20"])
            #expect(frame.exitCode == 0)
            let lines = frame.standardOutput.split(separator: "\n")
            #expect(lines.count == 20 && lines.allSatisfy { $0.count <= 100 })
            #expect(frame.standardOutput.contains("Pending (1)"))
            #expect(frame.standardOutput.contains("GET /once HTTP/1.1"))
            #expect(!frame.standardOutput.contains("\u{1B}"), "no escape sequences")
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            _ = try await waiting.value
        }
    }

    @Test("dashboard usage errors: a bad theme names file, line and key; no terminal; no daemon")
    func usageErrors() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-theme")
        let theme = folder.path + "/mine.toml"
        try "description = \"mine\"\n[slots]\nrow = \"bold purple\"\n".write(toFile: theme, atomically: true, encoding: .utf8)
        let usher = try UsherExecutable.path()
        let bad = try await ProcessRunner.run(usher, ["top", "--once", "--theme", theme, "--control", folder.path + "/none.sock"])
        #expect(bad.exitCode == 64)
        #expect(bad.standardError.hasPrefix("usher: --theme: \(theme):3: slots.row: 'purple' is neither a colour nor an attribute"))
        let unknown = try await ProcessRunner.run(usher, ["top", "--theme", "solarized"])
        #expect(unknown.exitCode == 64 && unknown.standardError.contains("no built-in theme"))
        let noTerminal = try await ProcessRunner.run(usher, ["run", "--listen", "127.0.0.1:0", "--control", folder.path + "/c.sock"])
        #expect(noTerminal.exitCode == 64 && noTerminal.standardError.contains("usher run needs a terminal"))
        let noDaemon = try await ProcessRunner.run(usher, ["top", "--once", "--control", folder.path + "/none.sock"])
        #expect(noDaemon.exitCode == 69)
        let interval = try await ProcessRunner.run(usher, ["top", "--interval", "10ms"])
        #expect(interval.exitCode == 64 && interval.standardError.contains("outside 100ms"))
    }
}
