import Foundation
import Testing
import UsherTestSupport
@testable import usher

/// The log file has a bound: past it, the file becomes FILE.1 and a new one starts.
@Suite("Log file rotation", .timeLimit(.minutes(1)))
struct LogRotationTests {
    @Test("past the limit the log becomes FILE.1 and a new file starts; only one old file is kept")
    func rotates() throws {
        let folder = try TemporaryDirectory(prefix: "usher-log")
        let path = folder.path + "/usher.log"
        let redirection = try LogRedirection(path: path, limit: 2_000)
        for index in 0..<100 { StandardError.writeLine("line \(index) " + String(repeating: "x", count: 50)) }
        redirection.restore()
        let current = try String(contentsOfFile: path, encoding: .utf8)
        let previous = try String(contentsOfFile: path + ".1", encoding: .utf8)
        #expect(current.utf8.count <= 2_100 && previous.utf8.count <= 2_100)
        #expect(current.contains("line 99 "), "the newest lines are in the current file")
        #expect(!FileManager.default.fileExists(atPath: path + ".2"))
    }

    @Test("the state directory: XDG_STATE_HOME, else /var/lib/usher for root, else ~/.local/state")
    func stateDirectory() {
        #expect(StateDirectory.path(environment: ["XDG_STATE_HOME": "/tmp/s"]) == "/tmp/s/usher")
        let fallback = StateDirectory.path(environment: ["HOME": "/home/alice"])
        #expect(fallback == (geteuid() == 0 ? "/var/lib/usher" : "/home/alice/.local/state/usher"))
    }
}
