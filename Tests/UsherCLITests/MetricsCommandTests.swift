import Foundation
import Testing
import UsherTestSupport

/// `usher serve --metrics`, scraped over HTTP during traffic and read with Prometheus's own
/// parser (PyPI's `prometheus_client`).
@Suite("Prometheus metrics", .timeLimit(.minutes(2)))
struct MetricsCommandTests {
    /// Every sample of a scrape, `name{label="value",…}` → value, as prometheus_client reads it.
    static func scrape(_ url: String, folder: String) async throws -> [String: Double] {
        let text = try await ProcessRunner.run("curl", ["-sS", "--max-time", "10", url])
        #expect(text.exitCode == 0, "\(text.standardError)")
        let path = folder + "/scrape.txt"
        try text.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
                    out[sample.name + ("{" + labels + "}" if labels else "")] = sample.value
            print(json.dumps(out))
            """
        let parsed = try await ProcessRunner.run("python3", ["-c", script, path])
        #expect(parsed.exitCode == 0, "the Prometheus parser refused the text: \(parsed.standardError)")
        return (try JSONSerialization.jsonObject(with: Data(parsed.standardOutput.utf8)) as? [String: Double]) ?? [:]
    }

    @Test("counters agree with the journal and the conservation invariant; decisions and bytes are there")
    func agreeWithJournal() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-metrics")
        let journal = folder.path + "/j.sqlite"
        let arguments = serveOnFreePort + ["--journal", journal, "--metrics", "127.0.0.1:0", "--pending-timeout", "30s"]
        _ = try await UsherDaemon.with(arguments) { usher, control in
            let port = try await usher.readyPort()
            let line = try await usher.log.waitForLine(containing: "metrics", "url=")
            let url = try #require(line.split(separator: " ").first { $0.hasPrefix("url=") }.map { String($0.dropFirst(4)) })
            async let accepted = Curl.get(port: port, path: "/a", maxTime: 60)
            try await UsherDaemon.waitForRequest("r1", control: control)
            async let rejected = Curl.get(port: port, path: "/b", maxTime: 60)
            try await UsherDaemon.waitForRequest("r2", control: control)
            let waiting = try await TCPClient.connect(to: "127.0.0.1", port: port)
            try await UsherDaemon.waitForRequest("r3", control: control)
            let pendingNow = try await Self.scrape(url, folder: folder.path)
            #expect(pendingNow[#"usher_requests_pending{listener="127.0.0.1:\#(port)"}"#] == 3)
            #expect((pendingNow[#"usher_requests_oldest_waiting_seconds{listener="127.0.0.1:\#(port)"}"#] ?? 0) > 0)
            #expect(pendingNow["usher_pending_timeout_seconds"] == 30)
            _ = try await UsherDaemon.client(["accept", "r1"], control: control)
            _ = try await UsherDaemon.client(["reject", "r2"], control: control)
            #expect(try await accepted.standardOutput.contains("You sent: GET /a"))
            _ = try await rejected
            waiting.close()
            try await usher.log.waitForLine(containing: "withdrawn", "id=r3")
            try await usher.log.waitForLine(containing: "journal", "j.sqlite")

            let samples = try await Self.scrape(url, folder: folder.path)
            let listener = #"listener="127.0.0.1:\#(port)""#
            func state(_ name: String) -> Double? { samples[#"usher_requests_total{\#(listener),state="\#(name)"}"#] }
            let arrived = try #require(samples["usher_requests_arrived_total{\(listener)}"])
            #expect(arrived == 3 && state("accepted") == 1 && state("rejected") == 1 && state("withdrawn") == 1)
            let ended = ["accepted", "rejected", "withdrawn", "expired", "overflowed"].compactMap(state).reduce(0, +)
            #expect(arrived == ended + (samples["usher_requests_pending{\(listener)}"] ?? -1), "conservation")
            #expect(samples[#"usher_decision_seconds_count{decided_by="operator"}"#] == 2)
            #expect((samples[#"usher_proxied_bytes_total{direction="to_client"}"#] ?? 0) > 0, "r1's connection closed")
            #expect(samples[#"usher_listener_kernel_queue_limit{\#(listener)}"#] != nil)

            // The journal says the same (its rows are written within 100 ms).
            try await poll("three rows in the journal", every: .milliseconds(100), timeout: .seconds(30)) {
                let stats = try? await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--stats", "--json"])
                return stats?.standardOutput.contains(#""total":3"#) == true
            }
            let stats = try await ProcessRunner.run(try UsherExecutable.path(), ["log", "--journal", journal, "--stats", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
            let states = object?["states"] as? [String: Int] ?? [:]
            for name in ["accepted", "rejected", "withdrawn"] {
                #expect(Double(states[name] ?? -1) == state(name), "\(name): journal \(states), metrics \(String(describing: state(name)))")
            }
            let missing = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url.replacingOccurrences(of: "/metrics", with: "/other")])
            #expect(missing.standardOutput == "404")
        }
    }

    @Test("--metrics on an address in use: one error line and exit 1; --metrics-host alone is a usage error")
    func addressInUse() async throws {
        let busy = try StuckListener(backlog: 1)
        let result = try await ProcessRunner.run(
            try UsherExecutable.path(), serveOnFreePort + ["--journal", "none", "--metrics", "127.0.0.1:\(busy.port)"],
            environment: ["USHER_CONTROL": NSTemporaryDirectory() + "usher-metrics-\(UUID().uuidString).sock"])
        #expect(result.exitCode == 1 && result.standardError.contains("--metrics 127.0.0.1:\(busy.port): cannot listen"), "\(result.standardError)")
        let usage = try await ProcessRunner.run(try UsherExecutable.path(), ["serve", "--metrics-host"])
        #expect(usage.exitCode == 64 && usage.standardError.contains("--metrics-host needs --metrics"), "\(usage.standardError)")
    }
}
