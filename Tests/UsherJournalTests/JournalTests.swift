import Foundation
import Testing
import UsherCore
@testable import UsherJournal
import UsherTestSupport

/// The journal on real SQLite files in a temporary folder, fed by a real provider core.
@Suite("Journal", .timeLimit(.minutes(1)))
struct JournalTests {
    /// A core, a journal in its own folder, and the recorder between them.
    final class Fixture: @unchecked Sendable {
        let folder: TemporaryDirectory
        let path: String
        let writer: JournalWriter
        let recorder: JournalRecorder
        var core: ProviderCore
        var sequence: UInt64 = 0
        let reports = Reports()

        final class Reports: @unchecked Sendable {
            private let lock = NSLock()
            private var items: [JournalWriter.Report] = []
            func append(_ report: JournalWriter.Report) { lock.withLock { items.append(report) } }
            var all: [JournalWriter.Report] { lock.withLock { items } }
        }

        init(policy: Policy = .ask, keep: Duration? = nil, maxBytes: Int64? = nil, folder: TemporaryDirectory? = nil) throws {
            self.folder = try folder ?? TemporaryDirectory(prefix: "usher-journal")
            path = self.folder.path + "/state/journal.sqlite"
            let journal = try Journal(path: path, keep: keep, maxBytes: maxBytes)
            let reports = self.reports
            writer = JournalWriter(journal: journal) { reports.append($0) }
            recorder = JournalRecorder(writer: writer, run: 1_700_000_000_000, listeners: ["127.0.0.1:8080"], policy: policy.rawValue)
            core = ProviderCore(configuration: ProviderConfiguration(policy: policy), listeners: [
                ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080)),
            ])
        }

        /// Hands the output's events to the recorder, numbered.
        func record(_ output: ProviderOutput) {
            for event in output.events {
                sequence += 1
                recorder.record(GateEvent(sequence: sequence, event: event))
            }
        }

        func arrive(from host: String = "203.0.113.9", port: Int = 51_234, at now: Moment = .now) -> RequestID? {
            let (outcome, output) = core.arrive(
                on: ListenerID(0), peer: Endpoint(host: host, port: port), local: Endpoint(host: "127.0.0.1", port: 8080), at: now)
            record(output)
            if case .queued(let id) = outcome { return id }
            return nil
        }

        func reader() throws -> JournalReader { try JournalReader(path: path) }
    }

    @Test("every final state is one row: who decided, why, what the client sent; an accepted one gets its bytes")
    func everyFinalState() async throws {
        let fixture = try Fixture()
        let person = Operator(pid: 812, uid: 1000, name: "alice")
        // accepted by an operator, proxied, then closed
        let accepted = try #require(fixture.arrive())
        fixture.record(try fixture.core.received(Array("GET /x HTTP/1.1\r\nHost: shop.example\r\n\r\n".utf8), for: accepted, at: .now))
        fixture.record(try fixture.core.decide(accepted, .accept, by: .operator(person), at: .now))
        fixture.record(try fixture.core.upstreamConnected(accepted, at: .now))
        // rejected with a reset, withdrawn, expired
        let reset = try #require(fixture.arrive(from: "198.51.100.7"))
        fixture.record(try fixture.core.decide(reset, .reject(.reset), by: .operator(person), at: .now))
        let withdrawn = try #require(fixture.arrive(from: "::1"))
        fixture.record(fixture.core.connectionClosed(withdrawn, at: .now))
        let expired = try #require(fixture.arrive(at: .now))
        fixture.record(fixture.core.advance(to: .now + .seconds(3600)))
        fixture.record(fixture.core.connectionClosed(
            accepted, transferred: Transferred(toUpstream: 38, toClient: 1234), at: .now))
        await fixture.writer.flush()

        let rows = try fixture.reader().requests(JournalQuery()).map(\.record)
        #expect(rows.map(\.id) == [accepted, reset, withdrawn, expired].map(\.description))
        #expect(rows.map(\.state) == ["accepted", "reset", "withdrawn", "expired"])
        let first = rows[0]
        #expect(first.decidedBy == "alice (uid 1000, pid 812)" && first.deciderKind == "operator")
        #expect(first.deciderUid == 1000 && first.deciderUser == "alice" && first.deciderPid == 812)
        #expect(first.httpHost == "shop.example" && first.httpRequest == "GET /x HTTP/1.1" && first.preview.hasPrefix("GET /x"))
        #expect(first.bytesUp == 38 && first.bytesDown == 1234 && first.connectionMs != nil)
        #expect(first.outcomes.contains(#""condition":"policy""#) && first.outcomes.contains(#""condition":"operator""#))
        #expect(first.peer == "203.0.113.9:51234" && first.listener == "127.0.0.1:8080" && first.policy == "ask")
        #expect(rows[1].bytesUp == nil, "no proxied connection")
        #expect(rows[2].decidedBy == nil && rows[2].peerAddress.count == 16)
        #expect(rows[3].deciderKind == "timeout" && rows[3].reason?.contains("without a decision") == true)
        await fixture.writer.close()
    }

    @Test("a row comes back as it went in, every column: the insert binds each value to its own column")
    func everyColumnRoundTrips() async throws {
        let fixture = try Fixture()
        let record = RequestRecord(
            id: "r9", sequence: 9, run: 1_700_000_000_000, listener: "127.0.0.1:8080", peer: "203.0.113.9:51234",
            peerAddress: Data([203, 0, 113, 9]), source: "198.51.100.1:4000", local: "127.0.0.1:8080",
            arrivedAt: 1_700_000_000_001, endedAt: 1_700_000_000_002, state: "accepted", decidedBy: "alice (uid 1000, pid 812)",
            deciderKind: "operator", deciderUid: 1000, deciderUser: "alice", deciderPid: 812, rule: "canary", policy: "ask",
            reason: "accepted by alice", outcomes: #"[{"condition":"policy"}]"#, preview: "GET / HTTP/1.1\\r\\n", dataBytes: 16,
            tlsServerName: "shop.example", httpHost: "shop.example:8080", httpRequest: "GET / HTTP/1.1", waitMs: 3,
            bytesUp: 38, bytesDown: 1234, closedAt: 1_700_000_000_099)
        var empty = record
        (empty.id, empty.sequence, empty.peerAddress) = ("r10", 10, Data())
        (empty.source, empty.decidedBy, empty.deciderKind, empty.deciderUid, empty.deciderUser, empty.deciderPid) = (nil, nil, nil, nil, nil, nil)
        (empty.rule, empty.reason, empty.tlsServerName, empty.httpHost, empty.httpRequest) = (nil, nil, nil, nil, nil)
        (empty.bytesUp, empty.bytesDown, empty.closedAt, empty.preview) = (nil, nil, nil, "")
        fixture.writer.submit(.request(record))
        fixture.writer.submit(.request(empty))
        await fixture.writer.close()
        let rows = try fixture.reader().requests(JournalQuery()).map(\.record)
        #expect(rows == [record, empty])
    }

    @Test("filters: since and until, a peer network, listener, state, who decided, an ID, a limit")
    func filters() async throws {
        let fixture = try Fixture(policy: .accept)
        for index in 0..<40 {
            let id = try #require(fixture.arrive(from: index % 2 == 0 ? "10.1.\(index).7" : "2001:db8::\(index)", port: 40_000 + index))
            fixture.record(try fixture.core.upstreamConnected(id, at: .now))
        }
        let asked = try #require(fixture.arrive(from: "::ffff:10.1.200.1"))
        fixture.record(fixture.core.connectionClosed(asked, at: .now))  // accepted at once, withdrawn while connecting
        await fixture.writer.flush()
        let reader = try fixture.reader()
        func count(_ change: (inout JournalQuery) -> Void) throws -> Int {
            var query = JournalQuery()
            change(&query)
            return try reader.requests(query).count
        }
        #expect(try count { _ in } == 41)
        #expect(try count { $0.peer = try? AddressPrefix.parse("10.1.0.0/16") } == 21, "an IPv4-mapped peer counts as IPv4")
        #expect(try count { $0.peer = try? AddressPrefix.parse("2001:db8::/32") } == 20)
        #expect(try count { $0.peer = try? AddressPrefix.parse("10.1.2.7") } == 1)
        #expect(try count { $0.state = "accepted" } == 40)
        #expect(try count { $0.state = "withdrawn" } == 1)
        #expect(try count { $0.decidedBy = "policy" } == 41)
        #expect(try count { $0.decidedBy = "alice" } == 0)
        #expect(try count { $0.listener = "8080" } == 41)
        #expect(try count { $0.listener = "127.0.0.1:9" } == 0)
        #expect(try count { $0.id = RequestID(7) } == 1)
        #expect(try count { $0.since = Int64(Date().timeIntervalSince1970 * 1000) + 60_000 } == 0)
        #expect(try count { $0.until = Int64(Date().timeIntervalSince1970 * 1000) + 60_000 } == 41)
        var newest = JournalQuery()
        newest.limit = 3
        #expect(try reader.requests(newest).map(\.record.id) == ["r39", "r40", "r41"], "the newest three, oldest first")
        let stats = try reader.stats(JournalQuery())
        #expect(stats.states == [.init(key: "accepted", count: 40), .init(key: "withdrawn", count: 1)] && stats.total == 41)
        #expect(stats.hours.reduce(0) { $0 + $1.count } == 41)
        await fixture.writer.close()
    }

    @Test("rows survive closing and opening again; a new row after is read after the old ones")
    func reopen() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal")
        do {
            let fixture = try Fixture(policy: .reject, folder: folder)
            _ = try #require(fixture.arrive())
            fixture.recorder.daemon("stop", "SIGTERM")
            await fixture.writer.close()
        }
        let again = try Fixture(policy: .reject, folder: folder)
        _ = try #require(again.arrive())
        await again.writer.flush()
        let rows = try again.reader().requests(JournalQuery())
        #expect(rows.map(\.record.state) == ["rejected", "rejected"])
        #expect(rows[0].number < rows[1].number)
        #expect(try again.reader().daemonRecords().map(\.kind) == ["stop"])
        await again.writer.close()
    }

    @Test("retention deletes rows older than keep; the size cap deletes the oldest")
    func retention() throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal")
        let journal = try Journal(path: folder.path + "/j.sqlite", keep: .seconds(3600), maxBytes: 200_000)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var batch = JournalBatch()
        for index in 0..<2000 {
            batch.add(.request(Self.record(sequence: index, endedAt: now - Int64(2000 - index) * 5_000)))
        }
        try journal.write(batch)
        let deleted = try journal.enforceLimits(now: now)
        let rows = try JournalReader(path: journal.path).requests(JournalQuery())
        #expect(deleted > 0 && rows.count == 2000 - deleted)
        #expect(rows.allSatisfy { $0.record.endedAt >= now - 3_600_000 }, "nothing older than an hour")
        #expect(rows.count < 720, "the size cap took more than retention alone")
        #expect(rows.first.map { $0.record.sequence > 2000 - 720 } == true, "the oldest went first")
    }

    @Test("a journal that cannot be opened is a clear error; a full one is reported once, then its recovery")
    func problems() async throws {
        let folder = try TemporaryDirectory(prefix: "usher-journal")
        _ = FileManager.default.createFile(atPath: folder.path + "/file", contents: Data())
        #expect(throws: JournalError.self) { try Journal(path: folder.path + "/file/journal.sqlite") }
        #expect(throws: JournalError.self) { try JournalReader(path: folder.path + "/none.sqlite") }

        let fixture = try Fixture(policy: .reject)
        // Every write refused, however small its batch (a page cap lets a small one through
        // into a page's free space).
        try await fixture.writer.journal.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 1") }
        for _ in 0..<200 { _ = fixture.arrive(from: "192.0.2.\(Int.random(in: 1...250))") }
        await fixture.writer.flush()
        let failing = fixture.reports.all.filter { if case .failing = $0 { true } else { false } }
        #expect(failing.count == 1, "\(fixture.reports.all)")
        #expect(fixture.writer.status.failing != nil && fixture.writer.status.lost > 0)
        try await fixture.writer.journal.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA query_only = 0") }
        _ = fixture.arrive()
        await fixture.writer.flush()
        #expect(fixture.reports.all.contains { if case .recovered(let lost) = $0 { lost > 0 } else { false } })
        #expect(fixture.writer.status.failing == nil)
        await fixture.writer.close()
    }

    static func record(sequence: Int, endedAt: Int64) -> RequestRecord {
        RequestRecord(
            id: "r\(sequence)", sequence: Int64(sequence), run: 1, listener: "127.0.0.1:8080", peer: "192.0.2.1:5",
            peerAddress: Data([192, 0, 2, 1]), source: nil, local: "127.0.0.1:8080", arrivedAt: endedAt - 10, endedAt: endedAt,
            state: "accepted", decidedBy: "policy", deciderKind: "policy", deciderUid: nil, deciderUser: nil, deciderPid: nil,
            rule: nil, policy: "accept", reason: "--policy accept", outcomes: "[]", preview: String(repeating: "x", count: 200),
            dataBytes: 200, tlsServerName: nil, httpHost: nil, httpRequest: nil, waitMs: 10, bytesUp: nil, bytesDown: nil, closedAt: nil)
    }
}
