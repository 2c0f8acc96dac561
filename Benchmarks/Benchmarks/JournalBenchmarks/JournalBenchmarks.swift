import Benchmark
import Foundation
import UsherCore
import UsherJournal
import UsherWire

/// The journal's cost per request, and how fast `usher log` answers on a million rows.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))
    let clock = WireClock(now: .now)

    Benchmark("journal row of a finished request (the event thread's part)") { benchmark in
        let request = JournalFixture.finishedRequest()
        for _ in benchmark.scaledIterations {
            blackHole(RequestRecord(request, run: 1, listener: "127.0.0.1:8080", policy: "accept", clock: clock))
        }
    }

    for (name, filter) in JournalFixture.queries {
        Benchmark("query on 1,000,000 rows: \(name)", configuration: .init(scalingFactor: .one)) { benchmark in
            let reader = try JournalReader(path: try await JournalFixture.millionRows())
            benchmark.startMeasurement()
            blackHole(try reader.requests(filter()))
            benchmark.stopMeasurement()
        }
    }
}

enum JournalFixture {
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "usher-journal-bench-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// An accepted request with an HTTP head and two outcomes.
    static func finishedRequest() -> Request {
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [.standard])
        let now = Moment.now
        guard case .queued(let id) = core.arrive(
            on: ListenerID(0), peer: Endpoint(host: "203.0.113.9", port: 51_234), local: Endpoint(host: "127.0.0.1", port: 8080), at: now
        ).0 else { fatalError("not queued") }
        _ = try? core.received(Array("GET /index.html HTTP/1.1\r\nHost: shop.example.com\r\nUser-Agent: bench\r\n\r\n".utf8), for: id, at: now)
        _ = try? core.decide(id, .accept, by: .operator(Operator(pid: 812, uid: 1000, name: "alice")), at: now)
        _ = try? core.upstreamConnected(id, at: now)
        guard let request = core.request(id) else { fatalError("no request") }
        return request
    }

    nonisolated(unsafe) private static var million: String?

    /// A journal of 1,000,000 requests over the last 10 days (made once per run).
    static func millionRows() async throws -> String {
        if let million { return million }
        let path = folder() + "/million.sqlite"
        let writer = JournalWriter(journal: try Journal(path: path), capacity: 1_000_000)
        let base = RequestRecord(finishedRequest(), run: 1, listener: "127.0.0.1:8080", policy: "ask", clock: WireClock(now: .now))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for index in 0..<1_000_000 {
            var row = base
            row.sequence = Int64(index)
            row.id = "r\(index)"
            row.endedAt = now - Int64(1_000_000 - index) * 864
            row.peerAddress = Data([198, 51, UInt8(index % 256), UInt8(index / 256 % 256)])
            row.peer = "198.51.\(index % 256).\(index / 256 % 256):40000"
            row.state = ["accepted", "rejected", "withdrawn", "expired"][index % 4]
            writer.submit(.request(row))
        }
        await writer.close()
        million = path
        return path
    }

    static let queries: [(String, @Sendable () -> JournalQuery)] = [
        ("a /24 over the last day", {
            var query = JournalQuery()
            query.peer = try? AddressPrefix.parse("198.51.7.0/24")
            query.since = Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000
            return query
        }),
        ("one address, all time", {
            var query = JournalQuery()
            query.peer = try? AddressPrefix.parse("198.51.7.9")
            return query
        }),
        ("accepted in the last hour", {
            var query = JournalQuery()
            query.state = "accepted"
            query.since = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
            return query
        }),
        ("the newest 100", {
            var query = JournalQuery()
            query.limit = 100
            return query
        }),
    ]
}
