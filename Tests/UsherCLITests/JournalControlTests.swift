import Foundation
import Testing
import UsherJournal
import UsherTestSupport

/// The journal through the control socket, and the daemon's notices: a real daemon, a real
/// journal file, `socat` and `usher watch` as clients.
@Suite("The journal and notices on the control socket", .timeLimit(.minutes(2)))
struct JournalControlTests {
    /// The answers to `lines`, sent through `socat -t 2` (which half-closes after them).
    static func socat(_ lines: [String], control: String) async throws -> [[String: Any]] {
        let input = lines.joined(separator: "\n") + "\n"
        let output = try await ProcessRunner.run(
            "sh", ["-c", "printf '%s' '\(input)' | socat -t 2 - UNIX-CONNECT:\(control)"], timeout: .seconds(60))
        return output.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    static func ids(_ answer: [String: Any]) -> [String] {
        ((answer["journal"] as? [String: Any])?["rows"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    @Test("op journal pages back and finds a request of this run, in order on a half-closed connection; refusals and notify failures are notices and on record")
    func pagesNoticesAndRefusals() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal-control")
        let journal = folder.path + "/j.sqlite"
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", journal, "--notify", "false", "--notify-rate", "10/1s"]) { usher, control in
            let port = try await usher.readyPort()
            _ = try await BackgroundProcess.with(try UsherExecutable.path(), ["watch", "--json", "--control", control]) { watch in
                try await watch.log.waitForLine(containing: #""type":"snapshot""#)
                async let first = Curl.get(port: port, path: "/first", maxTime: 60)
                try await UsherDaemon.waitForRequest("r1", control: control)
                async let second = Curl.get(port: port, path: "/second", maxTime: 60)
                try await UsherDaemon.waitForRequest("r2", control: control)
                async let third = Curl.get(port: port, path: "/third", maxTime: 60)
                try await UsherDaemon.waitForRequest("r3", control: control)
                // The notify command fails for a request that waits (after its 200 ms settle).
                try await watch.log.waitForLine(containing: #""kind":"notice""#, #""source":"notify""#, "false failed for r", timeout: .seconds(60))
                _ = try await UsherDaemon.client(["accept", "r1", "r2"], control: control)
                _ = try await UsherDaemon.client(["reject", "r3"], control: control)
                let again = try await UsherDaemon.client(["accept", "r3"], control: control)
                #expect(again.exitCode != 0)
                try await watch.log.waitForLine(containing: #""kind":"notice""#, #""source":"control""#, "could not accept r3", timeout: .seconds(60))
                _ = try await (first, second, third)
            }
            try await poll("3 rows in the journal", timeout: .seconds(60)) {
                (try? await JournalCommandTests.log(journal).count) == 3
            }
            let answers = try await Self.socat([
                #"{"v":1,"id":1,"op":"journal","limit":2}"#,
                #"{"v":1,"id":2,"op":"hello"}"#,
                #"{"v":1,"id":3,"op":"journal","request":"r3"}"#,
                #"{"v":1,"id":4,"op":"journal","limit":0}"#,
                #"{"v":1,"id":5,"op":"journal","request":"bogus"}"#,
            ], control: control)
            #expect(answers.map { $0["id"] as? Int } == [1, 2, 3, 4, 5], "every request answered, in order, before the close")
            #expect(Self.ids(answers[0]).count == 2 && (answers[0]["journal"] as? [String: Any])?["more"] as? Bool == true)
            #expect(Self.ids(answers[2]) == ["r3"])
            let r3 = ((answers[2]["journal"] as? [String: Any])?["rows"] as? [[String: Any]])?.first
            #expect(r3?["state"] as? String == "rejected" && r3?["decider_kind"] as? String == "operator")
            #expect((answers[3]["error"] as? [String: Any])?["code"] as? String == "bad_request")
            #expect(((answers[4]["error"] as? [String: Any])?["message"] as? String)?.contains("not a request ID") == true)
            // The page before the first one's oldest row: the remaining one, and no more.
            let oldest = try #require(((answers[0]["journal"] as? [String: Any])?["rows"] as? [[String: Any]])?.first?["number"] as? Int)
            let back = try await Self.socat([#"{"v":1,"id":6,"op":"journal","before":\#(oldest)}"#], control: control)
            #expect(Self.ids(back[0]).count == 1 && (back[0]["journal"] as? [String: Any])?["more"] as? Bool == false)
        }
        let records = try JournalReader(path: journal).daemonRecords()
        #expect(records.contains { $0.kind == "refused" && $0.detail.contains("could not accept r3") })
        #expect(records.contains { $0.kind == "notify-failed" && $0.detail.contains("false failed for r") })
    }

    @Test("a daemon without a journal says so to op journal, and flags one it cannot open in every snapshot")
    func noJournal() async throws {
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", "none"]) { usher, control in
            _ = try await usher.readyPort()
            let answers = try await Self.socat([#"{"v":1,"id":1,"op":"journal"}"#], control: control)
            #expect((answers.first?["error"] as? [String: Any])?["code"] as? String == "no_journal")
        }
        let folder = try TemporaryDirectory(prefix: "usher-journal-control")
        _ = FileManager.default.createFile(atPath: folder.path + "/file", contents: Data())
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", folder.path + "/file/j.sqlite"]) { usher, control in
            _ = try await usher.readyPort()
            try await usher.log.waitForLine(containing: "journal unavailable", "is a file, not a directory")
            let answers = try await Self.socat([#"{"v":1,"id":1,"op":"snapshot"}"#], control: control)
            let alerts = (answers.first?["snapshot"] as? [String: Any])?["alerts"] as? [[String: Any]]
            #expect(alerts?.first?["source"] as? String == "journal")
            #expect((alerts?.first?["text"] as? String)?.contains("is a file, not a directory") == true)
        }
    }
}
