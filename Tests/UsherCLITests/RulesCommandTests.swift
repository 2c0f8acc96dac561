import Foundation
import Glibc
import Testing
import UsherTestSupport

/// `usher serve --rules` and `usher rules check` with real clients from several loopback
/// addresses: curl, and Python's `ssl` for TLS ClientHellos.
@Suite("usher rules", .timeLimit(.minutes(2)))
struct RulesCommandTests {
    static let example = RulesExample.documented

    /// Seven ClientHellos naming `canary.a.example.com`, each on its own connection, as fast as
    /// Python can; prints the seconds it took.
    static let sevenHellos = """
        import socket, ssl, sys, time
        port = int(sys.argv[1])
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2", "http/1.1"])
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_hostname="canary.a.example.com")
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = outgoing.read()
        start = time.monotonic()
        sockets = []
        for _ in range(7):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(hello)
            sockets.append(s)
        print("elapsed %.3f" % (time.monotonic() - start), flush=True)
        time.sleep(30)
        """

    @Test("with the documented file: 127.0.0.2 gets 403 at once, TLS canaries pass up to 5 a second, curl from 127.0.0.1 waits with every outcome")
    func documentedFile() async throws {
        let folder = try TemporaryDirectory()
        let rules = folder.path + "/rules.toml"
        try Self.example.write(toFile: rules, atomically: true, encoding: .utf8)
        try Self.sevenHellos.write(toFile: folder.path + "/seven.py", atomically: true, encoding: .utf8)
        _ = try await UsherDaemon.with(serveOnFreePort + ["--rules", rules]) { usher, control in
            let port = try await usher.readyPort()
            let scanner = try await Curl.get(port: port, ["--interface", "127.0.0.2", "-o", "/dev/null", "-w", "%{http_code}"])
            #expect(scanner.standardOutput == "403", "\(scanner.standardError)")
            try await usher.log.waitForLine(containing: "rejected", "id=r1", #"by="rule scanner""#)

            async let waiting = Curl.get(port: port, path: "/waits", maxTime: 60)
            try await poll("curl pending", every: .milliseconds(100), timeout: .seconds(60)) {
                let listing = try? await UsherDaemon.client(["ls", "--json"], control: control)
                return listing?.standardOutput.contains(#""condition":"default""#) == true
            }
            let listing = try await UsherDaemon.client(["ls", "--json"], control: control)
            let requests = try #require(try JSONSerialization.jsonObject(with: Data(listing.standardOutput.utf8)) as? [[String: Any]])
            let outcomes = try #require(requests.first?["outcomes"] as? [[String: String]])
            #expect(outcomes.map { $0["condition"] ?? "" } == ["office", "scanner", "api-canary", "default"])
            #expect(outcomes.first?["reason"] == "peer 127.0.0.1 not in 10.0.0.0/8, fd00::/8")
            #expect(outcomes.first?["verdict"] == "no match")
            #expect(outcomes.last?["verdict"] == "ask")
            let accepted = try await UsherDaemon.client(["accept", "r2"], control: control)
            #expect(accepted.exitCode == 0, "\(accepted.standardError)")
            #expect(try await waiting.standardOutput.contains("You sent: GET /waits"))

            _ = try await BackgroundProcess.with("python3", ["-u", folder.path + "/seven.py", String(port)]) { python in
                let line = try await python.log.waitForLine(containing: "elapsed")
                try await usher.log.waitForLine(containing: "id=r9", "arrived")
                try await poll("seven decided or pending", every: .milliseconds(100), timeout: .seconds(60)) {
                    guard usher.log.count(containing: "accepted", #"by="rule api-canary""#) >= 1 else { return false }
                    let listing = try? await UsherDaemon.client(["ls", "--json"], control: control)
                    return listing?.standardOutput.contains("over 5/1s") == true
                }
                let canaries = usher.log.count(containing: "accepted", #"by="rule api-canary""#)
                let elapsed = Double(line.split(separator: " ").last ?? "") ?? 9
                if elapsed < 0.9 {
                    #expect(canaries == 5, "all seven within a second: five pass")
                } else {
                    #expect(canaries >= 1 && canaries < 7)
                }
            }
        }
    }

    @Test("rules check prints FILE:LINE:COL for every problem and exits 64; serve refuses the file the same way")
    func check() async throws {
        let folder = try TemporaryDirectory()
        let good = folder.path + "/good.toml"
        let bad = folder.path + "/bad.toml"
        try Self.example.write(toFile: good, atomically: true, encoding: .utf8)
        try "[[rule]]\nname = \"a\"\npeer = \"10.0.0.0/33\"\naction = \"acept\"\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let fine = try await ProcessRunner.run(try UsherExecutable.path(), ["rules", "check", good])
        #expect(fine.exitCode == 0)
        #expect(fine.standardOutput == "\(good): 3 rules, [default] ask\n")
        let broken = try await ProcessRunner.run(try UsherExecutable.path(), ["rules", "check", bad])
        #expect(broken.exitCode == 64)
        #expect(broken.standardError.hasPrefix("\(bad):3:9: peer: bad CIDR: '10.0.0.0/33'"), "\(broken.standardError)")
        #expect(broken.standardError.contains("\(bad):4:10: unknown action 'acept'"))
        let serve = try await ProcessRunner.run(try UsherExecutable.path(), serveOnFreePort + ["--rules", bad, "--control", folder.path + "/c.sock"])
        #expect(serve.exitCode == 64)
        #expect(serve.standardError.hasPrefix("usher: the rules file has 2 problems:\n\(bad):3:9:"), "\(serve.standardError)")
    }

    @Test("accept --remember peer lets the next curl through; a broken file on SIGHUP leaves the old rules, logged and watched; rules rm forgets")
    func rememberAndReload() async throws {
        let folder = try TemporaryDirectory()
        let rules = folder.path + "/rules.toml"
        try Self.example.write(toFile: rules, atomically: true, encoding: .utf8)
        _ = try await UsherDaemon.with(serveOnFreePort + ["--rules", rules]) { usher, control in
            let port = try await usher.readyPort()
            async let first = Curl.get(port: port, path: "/first", maxTime: 60)
            try await usher.log.waitForLine(containing: "arrived", "id=r1")
            try await poll("r1 asked", every: .milliseconds(50), timeout: .seconds(60)) {
                (try? await UsherDaemon.client(["ls", "--json"], control: control))?.standardOutput.contains(#""condition":"default""#) == true
            }
            let accepted = try await UsherDaemon.client(["accept", "r1", "--remember", "peer", "--for", "1m"], control: control)
            #expect(accepted.standardOutput == "r1 accepted, remembered as peer:127.0.0.1\n", "\(accepted.standardError)")
            #expect(try await first.standardOutput.contains("You sent: GET /first"))
            let second = try await Curl.get(port: port, path: "/second")
            #expect(second.standardOutput.contains("You sent: GET /second"), "\(second.standardError)")
            try await usher.log.waitForLine(containing: "accepted", "id=r2", #"by="rule peer:127.0.0.1""#)
            let listing = try await UsherDaemon.client(["rules", "ls", "--json"], control: control)
            #expect(listing.standardOutput.contains(#""name":"peer:127.0.0.1""#))
            #expect(listing.standardOutput.contains(#""expires":""#))
            let kept = try String(contentsOfFile: folder.path + "/remembered.toml", encoding: .utf8)
            #expect(kept.contains(#"name = "peer:127.0.0.1""#) && kept.contains("expires_at = "))

            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--json", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: #""type":"snapshot""#)
                try "[[rule]]\nname = \"x\"\npeer = \"10.0.0.0/33\"\naction = \"accept\"\n".write(toFile: rules, atomically: true, encoding: .utf8)
                usher.send(signal: SIGHUP)
                try await usher.log.waitForLine(containing: "rules refused, the old rules stay in force", "rules.toml:3:9: peer: bad CIDR")
                try await watch.log.waitForLine(containing: #""kind":"rules""#, #""change":"refused""#)
            }
            let scanner = try await Curl.get(port: port, ["--interface", "127.0.0.2", "-o", "/dev/null", "-w", "%{http_code}"])
            #expect(scanner.standardOutput == "403", "the old rules are still in force")
            let reload = try await UsherDaemon.client(["rules", "reload"], control: control)
            #expect(reload.exitCode == 1)
            #expect(reload.standardError.contains("rules.toml:3:9: peer: bad CIDR"), "\(reload.standardError)")

            let removed = try await UsherDaemon.client(["rules", "rm", "peer:127.0.0.1"], control: control)
            #expect(removed.exitCode == 0, "\(removed.standardError)")
            let unknown = try await UsherDaemon.client(["rules", "rm", "peer:127.0.0.1"], control: control)
            #expect(unknown.exitCode == 1)
            async let third = Curl.get(port: port, path: "/third", maxTime: 60)
            try await poll("r5 asked again", every: .milliseconds(50), timeout: .seconds(60)) {
                (try? await UsherDaemon.client(["ls", "--json"], control: control))?.standardOutput.contains("/third") == true
            }
            _ = try await UsherDaemon.client(["reject", "all"], control: control)
            _ = try await third
        }
    }

    @Test("openssl s_client's ClientHello: SNI and ALPN h2 match a rule; with http/1.1 the rule says what it lacks")
    func opensslClientHello() async throws {
        let folder = try TemporaryDirectory()
        let rules = folder.path + "/rules.toml"
        try """
            [[rule]]
            name = "h2-canary"
            sni = "canary.*.example.com"
            alpn = "h2"
            action = "reject"
            mode = "reset"

            [default]
            action = "ask"
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        _ = try await UsherDaemon.with(serveOnFreePort + ["--rules", rules]) { usher, control in
            let port = try await usher.readyPort()
            let client = ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "canary.b.example.com"]
            _ = try await ProcessRunner.run("openssl", client + ["-alpn", "h2"], timeout: .seconds(60))
            try await usher.log.waitForLine(containing: "rejected", "id=r1", #"by="rule h2-canary""#)
            async let waiting = ProcessRunner.run("openssl", client + ["-alpn", "http/1.1", "-ign_eof"], timeout: .seconds(30))
            try await poll("the http/1.1 hello asked", every: .milliseconds(100), timeout: .seconds(60)) {
                (try? await UsherDaemon.client(["ls", "--json"], control: control))?.standardOutput.contains("lacks h2") == true
            }
            let listing = try await UsherDaemon.client(["ls", "--json"], control: control)
            #expect(listing.standardOutput.contains(#""tls_sni":"canary.b.example.com""#), "\(listing.standardOutput)")
            #expect(listing.standardOutput.contains("alpn http/1.1 lacks h2"), "\(listing.standardOutput)")
            _ = try await UsherDaemon.client(["reject", "all", "--reset"], control: control)
            _ = try await waiting
        }
    }

    /// Opens `count` HTTP connections from 16 threads as fast as it can; prints `ok N failed M`.
    /// With a third argument, the second half waits until that file exists.
    static let load = """
        import os, sys, threading, time, urllib.request
        port, count = int(sys.argv[1]), int(sys.argv[2])
        gate = sys.argv[3] if len(sys.argv) > 3 else None
        ok, failed, lock = [0], [0], threading.Lock()
        def worker(indices):
            for i in indices:
                while gate and i >= count // 2 and not os.path.exists(gate):
                    time.sleep(0.01)
                try:
                    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/load{i}", timeout=20).read()
                    good = f"GET /load{i} ".encode() in body
                except Exception:
                    good = False
                with lock:
                    (ok if good else failed)[0] += 1
        threads = [threading.Thread(target=worker, args=(range(n, count, 16),)) for n in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(f"ok {ok[0]} failed {failed[0]}", flush=True)
        """

    @Test("rules reloaded 20 times under load: every request answered, none decided twice, the counters conserved")
    func reloadUnderLoad() async throws {
        let folder = try TemporaryDirectory()
        let rules = folder.path + "/rules.toml"
        @Sendable func write(_ name: String) throws {
            try "[[rule]]\nname = \"\(name)\"\npeer = \"127.0.0.0/8\"\naction = \"accept\"\n[default]\naction = \"ask\"\n"
                .write(toFile: rules, atomically: true, encoding: .utf8)
        }
        try write("even")
        try Self.load.write(toFile: folder.path + "/load.py", atomically: true, encoding: .utf8)
        let count = 600
        _ = try await UsherDaemon.with(serveOnFreePort + ["--rules", rules, "--log-level", "info"]) { usher, control in
            let port = try await usher.readyPort()
            let secondHalf = folder.path + "/second-half"
            let arguments = ["-u", folder.path + "/load.py", String(port), String(count), secondHalf]
            _ = try await BackgroundProcess.with("python3", arguments) { load in
                try await usher.log.waitForLine(containing: "arrived", "id=r20")
                for round in 0..<20 {
                    try write(round % 2 == 0 ? "odd" : "even")
                    let reload = try await UsherDaemon.client(["rules", "reload"], control: control)
                    #expect(reload.exitCode == 0, "round \(round): \(reload.standardError)")
                    if round == 0 {
                        // However fast the gate, part of the load comes after a reload.
                        #expect(FileManager.default.createFile(atPath: secondHalf, contents: nil))
                        try await usher.log.waitForLine(containing: "accepted", "rule odd")
                    }
                }
                let line = try await load.log.waitForLine(containing: "ok ", timeout: .seconds(90))
                #expect(line == "ok \(count) failed 0")
            }
            try await usher.log.waitForLine(containing: "accepted", "id=r\(count)")
            let accepted = usher.log.lines.filter { $0.contains("accepted ") && $0.contains(" id=r") }
            let ids = accepted.compactMap { $0.split(separator: " ").first { $0.hasPrefix("id=") } }
            #expect(ids.count == count, "one acceptance per request")
            #expect(Set(ids).count == ids.count, "no request decided twice")
            #expect(accepted.allSatisfy { $0.contains(#"by="rule even""#) || $0.contains(#"by="rule odd""#) })
            #expect(accepted.contains { $0.contains(#"by="rule odd""#) } && accepted.contains { $0.contains(#"by="rule even""#) },
                    "requests were decided by the rules before and after reloads")
            #expect(usher.log.count(containing: "rules reloaded") >= 20)
            let stats = try await UsherDaemon.client(["listeners", "--json"], control: control)
            #expect(stats.standardOutput.contains(#""conserved":true"#), "\(stats.standardOutput)")
            #expect(stats.standardOutput.contains(#""accepted":\#(count)"#), "\(stats.standardOutput)")
        }
    }
}
