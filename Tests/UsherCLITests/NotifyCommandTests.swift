import Foundation
import Testing
import UsherTestSupport

/// `--notify`: a real command run by the real daemon.
@Suite("usher serve --notify", .timeLimit(.minutes(2)))
struct NotifyCommandTests {
    /// A hook script in `folder` that writes its environment and standard input to files named
    /// after the request (`env.ID.partial` appears whole, by a rename), after `sleep` seconds (and, for r1, once the file `release` exists,
    /// or the folder is gone: a test that failed leaves no hook behind), then exits with `status`.
    static func hook(in folder: String, sleep: Int = 0, status: Int = 0) throws -> String {
        let path = folder + "/hook.sh"
        let script = """
            #!/bin/sh
            cat > "\(folder)/stdin.$USHER_ID"
            env | grep '^USHER_' | sort > "\(folder)/env.$USHER_ID.writing"
            mv "\(folder)/env.$USHER_ID.writing" "\(folder)/env.$USHER_ID.partial"
            sleep \(sleep)
            if [ "$USHER_ID" = r1 ]; then while [ ! -e "\(folder)/release" ] && [ -d "\(folder)" ]; do sleep 0.05; done; fi
            mv "\(folder)/env.$USHER_ID.partial" "\(folder)/env.$USHER_ID"
            [ \(status) -eq 0 ] || echo "hook says no" >&2
            exit \(status)
            """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static func variables(_ path: String) -> [String: String] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return Dictionary(text.split(separator: "\n").compactMap { line in
            line.firstIndex(of: "=").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
        }, uniquingKeysWith: { $1 })
    }

    @Test("a request waiting for an operator runs the hook with its variables and JSON; the rest coalesce into USHER_WAITING")
    func variablesAndRate() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-notify")
        let hook = try Self.hook(in: folder.path)
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", "none", "--notify", hook, "--notify-rate", "1/1s"]) { usher, control in
            let port = try await usher.readyPort()
            async let first = Curl.get(port: port, path: "/first", ["-H", "Host: shop.example"], maxTime: 60)
            try await poll("r1's hook", timeout: .seconds(60)) { FileManager.default.fileExists(atPath: folder.path + "/env.r1.partial") }
            let variables = Self.variables(folder.path + "/env.r1.partial")
            #expect(variables["USHER_ID"] == "r1" && variables["USHER_WAITING"] == "1")
            #expect(variables["USHER_LISTENER"] == "127.0.0.1:\(port)" && variables["USHER_PEER"]?.hasPrefix("127.0.0.1:") == true)
            #expect(variables["USHER_HOST"] == "shop.example" && variables["USHER_PREVIEW"]?.hasPrefix("GET /first HTTP/1.1") == true)
            #expect(variables["USHER_CONTROL"] == control)
            let input = try String(contentsOfFile: folder.path + "/stdin.r1", encoding: .utf8)
            let object = try JSONSerialization.jsonObject(with: Data(input.utf8)) as? [String: Any]
            #expect((object?["request"] as? [String: Any])?["id"] as? String == "r1" && object?["waiting"] as? Int == 1)
            // Two more while r1's run goes on (one at a time): one run after it, for the latest,
            // counting both.
            async let second = Curl.get(port: port, path: "/second", maxTime: 60)
            try await UsherDaemon.waitForRequest("r2", control: control)
            async let third = Curl.get(port: port, path: "/third", maxTime: 60)
            try await UsherDaemon.waitForRequest("r3", control: control)
            _ = FileManager.default.createFile(atPath: folder.path + "/release", contents: Data())
            try await poll("r3's hook", timeout: .seconds(60)) { FileManager.default.fileExists(atPath: folder.path + "/env.r3") }
            #expect(Self.variables(folder.path + "/env.r3")["USHER_WAITING"] == "2")
            #expect(!FileManager.default.fileExists(atPath: folder.path + "/env.r2"), "r2 was counted in r3's run")
            _ = try await UsherDaemon.client(["accept", "all"], control: control)
            _ = try await (first, second, third)
        }
    }

    @Test("a hook that sleeps 10 s does not delay a decision; a failing hook is logged")
    func slowAndFailing() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-notify")
        let hook = try Self.hook(in: folder.path, sleep: 10, status: 3)
        _ = FileManager.default.createFile(atPath: folder.path + "/release", contents: Data())
        _ = try await UsherDaemon.with(serveOnFreePort + ["--journal", "none", "--notify", hook]) { usher, control in
            let port = try await usher.readyPort()
            async let answer = Curl.get(port: port, path: "/now", maxTime: 60)
            try await poll("the hook started", timeout: .seconds(60)) { FileManager.default.fileExists(atPath: folder.path + "/stdin.r1") }
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            #expect(try await answer.standardOutput.contains("You sent: GET /now"))
            #expect(!FileManager.default.fileExists(atPath: folder.path + "/env.r1"), "curl had its answer while the hook still slept")
            try await usher.log.waitForLine(containing: "warning", "notify failed", "status=\"exit 3\"", "hook says no", timeout: .seconds(30))
        }
    }

    @Test("--notify with a program that does not exist is a usage error")
    func missingProgram() async throws {
        let result = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--notify", "no-such-program-here --flag"])
        #expect(result.exitCode == 64 && result.standardError.contains("--notify: no program 'no-such-program-here'"), "\(result.standardError)")
    }
}
