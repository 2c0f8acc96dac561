import Foundation
import Testing
import UsherTestSupport

/// The torture suite (`scripts/torture/`) at its small scale, against this build: each scenario's
/// promises must be kept, so that a regression fails the suite, not only a torture run. One
/// scenario at a time, and small, so that the rest of the suite keeps its CPU.
@Suite("Torture scenarios, small", .serialized, .timeLimit(.minutes(3)))
struct TortureTests {
    static let scripts: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/scripts/torture"
    }()

    @Test("every promise is kept", arguments: ["peers", "fds", "silent", "integrity", "stop", "control", "flood", "chaos", "soak"])
    func scenario(_ name: String) async throws {
        let result = try await ProcessRunner.run(
            "python3", [Self.scripts + "/\(name).py"], timeout: .seconds(150),
            environment: ["SCALE": "small", "USHER": try UsherExecutable.path()])
        let rows = result.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }
        #expect(!rows.isEmpty, "no verdict: \(result.standardError)")
        for row in rows {
            #expect(row["verdict"] == "kept", "\(row["promise"] ?? "?"): \(row["measured"] ?? "?")")
        }
        #expect(result.exitCode == 0, "\(result.standardError)")
    }
}
