import Foundation
import Testing
@testable import UsherJournal
import UsherTestSupport

/// The journal through the real binary: `usher serve --journal` writes it while traffic and
/// decisions happen, `usher log` reads it, with or without a daemon.
@Suite("usher log and the journal", .timeLimit(.minutes(2)))
struct JournalCommandTests {
    /// `usher log` against `journal`, parsed as JSON lines.
    static func log(_ journal: String, _ arguments: [String] = []) async throws -> [[String: Any]] {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--json"] + arguments)
        #expect(result.exitCode == 0, "\(result.standardError)")
        return result.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test("mixed traffic and decisions: every request in usher log with who decided and why; a stop flushes")
    func mixedTraffic() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal-cli")
        let journal = folder.path + "/j.sqlite"
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", journal, "--pending-timeout", "30s"]) { usher, control in
            let port = try await usher.readyPort()
            try await usher.log.waitForLine(containing: "journal", "j.sqlite")
            func pending(_ count: Int) async throws {
                try await UsherDaemon.waitForPending(count, control: control)
            }
            async let first = Curl.get(port: port, path: "/first", maxTime: 60)
            try await pending(1)
            async let second = Curl.get(port: port, path: "/second", maxTime: 60)
            try await pending(2)
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            _ = try await UsherDaemon.client(["reject", "r2"], control: control)
            #expect(try await first.standardOutput.contains("You sent: GET /first"))
            _ = try await second
            let withdrawn = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await pending(1)
            withdrawn.close()
            try await usher.log.waitForLine(containing: "withdrawn", "id=r3")
        }
        let rows = try await Self.log(journal)
        #expect(rows.map { $0["id"] as? String } == ["r1", "r2", "r3"], "\(rows)")
        #expect(rows.map { $0["state"] as? String } == ["accepted", "rejected", "withdrawn"])
        #expect((rows[0]["decided_by"] as? String)?.contains("uid 0") == true, "\(rows[0])")
        #expect(rows[0]["decider_kind"] as? String == "operator" && rows[0]["decider_uid"] as? Int == 0)
        #expect(rows[0]["http_request"] as? String == "GET /first HTTP/1.1")
        #expect((rows[0]["bytes_down"] as? Int ?? 0) > 0 && rows[0]["closed"] is String, "the stop wrote the close")
        #expect((rows[0]["outcomes"] as? [[String: Any]])?.map { $0["condition"] as? String } == ["policy", "operator"])
        #expect(rows[1]["decider_kind"] as? String == "operator" && rows[2]["decided_by"] == nil)
        let byOperator = try await Self.log(journal, ["--by", "operator", "--since", "1h"])
        #expect(byOperator.count == 2)
        let stats = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--stats"])
        let counts = stats.standardOutput.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(counts.contains("accepted 1") && counts.contains("withdrawn 1") && counts.contains("total 3"), "\(stats.standardOutput)")
        let text = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--state", "accepted"])
        #expect(text.standardOutput.contains("r1  accepted") && text.standardOutput.contains("GET /first HTTP/1.1"), "\(text.standardOutput)")
    }

    @Test("kill -9: the journal opens again, missing at most the last batch")
    func killed() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal-cli")
        let journal = folder.path + "/j.sqlite"
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", journal, "--policy", "reject"]) { usher, _ in
            let port = try await usher.readyPort()
            for index in 0..<20 {
                let client = try await TCPClient.connect(to: "127.0.0.1", port: port)
                try await client.send("GET /\(index) HTTP/1.1\r\n\r\n")
                _ = try await client.readToEnd()
                client.close()
            }
            try await usher.log.waitForLine(containing: "rejected", "id=r20")
            // Longer than a batch gathers (100 ms): the twenty are written.
            try await Task.sleep(for: .milliseconds(600))
            usher.send(signal: SIGKILL)
            try await usher.waitForExit()
        }
        let rows = try await Self.log(journal, ["--since", "1h"])
        #expect(rows.count == 20 && rows.allSatisfy { $0["state"] as? String == "rejected" })
    }

    @Test("usher log filters 100,000 rows: network, state, decider, ID, limit, follow")
    func hundredThousandRows() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal-cli")
        let path = folder.path + "/big.sqlite"
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let writer = JournalWriter(journal: try Journal(path: path))
        for index in 0..<100_000 {
            writer.submit(.request(Self.record(index, endedAt: now - Int64(100_000 - index) * 30)))
        }
        await writer.flush()
        #expect(writer.status.written == 100_000)
        let network = try await Self.log(path, ["--peer", "10.7.0.0/16", "--since", "1d"])
        #expect(network.count == 100_000 / 256 + (100_000 % 256 > 7 ? 1 : 0))
        let ruled = try await Self.log(path, ["--by", "rule canary", "--state", "rejected", "--limit", "5"])
        #expect(ruled.count == 5 && ruled.allSatisfy { $0["rule"] as? String == "canary" })
        let one = try await Self.log(path, ["--id", "r4242"])
        #expect(one.count == 1 && one.first?["peer"] as? String == "10.\(4242 % 256).0.1:4242")
        let since = (now - 30_000) / 1000 * 1000  // whole seconds, as the time is written
        let recent = try await Self.log(path, ["--since", ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(since) / 1000))])
        let expected = (0..<100_000).filter { now - Int64(100_000 - $0) * 30 >= since }.count
        #expect(recent.count == expected, "\(recent.count) of \(expected)")

        _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["log", "--journal", path, "--follow", "--limit", "1"]) { follow in
            try await follow.log.waitForLine(containing: "r99999")
            writer.submit(.request(Self.record(100_000, endedAt: now)))
            await writer.flush()
            try await follow.log.waitForLine(containing: "r100000")
        }
        await writer.close()
    }

    @Test("a journal that cannot be opened is one error line; the gate runs on")
    func unavailable() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal-cli")
        _ = FileManager.default.createFile(atPath: folder.path + "/file", contents: Data())
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", folder.path + "/file/j.sqlite", "--policy", "accept"]) { usher, _ in
            let port = try await usher.readyPort()
            try await usher.log.waitForLine(containing: "error", "journal unavailable", "the gate runs on")
            #expect(try await Curl.get(port: port, path: "/still").standardOutput.contains("You sent: GET /still"))
        }
        let missing = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", folder.path + "/none.sqlite"])
        #expect(missing.exitCode == 1 && missing.standardError.contains("no journal there"), "\(missing.standardError)")
        let bad = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", folder.path + "/none.sqlite", "--since", "yesterday"])
        #expect(bad.exitCode == 64 && bad.standardError.contains("'yesterday' is not a time"), "\(bad.standardError)")
    }

    static func record(_ index: Int, endedAt: Int64) -> RequestRecord {
        let rule: String? = index % 3 == 0 ? "canary" : nil
        let peer = "10.\(index % 256).0.1:\(index)"
        let address = Data([10, UInt8(index % 256), 0, 1])
        let state = index % 2 == 0 ? "accepted" : "rejected"
        let decidedBy = rule.map { "rule \($0)" } ?? "policy"
        let kind = rule == nil ? "policy" : "rule"
        return RequestRecord(
            id: "r\(index)", sequence: Int64(index), run: 1, listener: "127.0.0.1:8080", peer: peer,
            peerAddress: address, source: nil, local: "127.0.0.1:8080", arrivedAt: endedAt - 5,
            endedAt: endedAt, state: state, decidedBy: decidedBy,
            deciderKind: kind, deciderUid: nil, deciderUser: nil, deciderPid: nil, rule: rule,
            policy: "ask", reason: "test", outcomes: "[]", preview: "GET / HTTP/1.1", dataBytes: 16, tlsServerName: nil,
            httpHost: nil, httpRequest: "GET / HTTP/1.1", waitMs: 5, bytesUp: nil, bytesDown: nil, closedAt: nil)
    }
}
