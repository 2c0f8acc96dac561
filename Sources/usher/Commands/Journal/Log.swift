import ArgumentParser
import Foundation
import UsherCore
import UsherJournal
import UsherWire

/// `usher log`: the journal, queried without a daemon.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the journal: every request that ended, who decided and why.",
        discussion: """
            Reads the journal usher serve and usher run write (--journal; see \
            journal.md), from any terminal, with or without a daemon running. One line \
            per request, oldest first: when it ended, its ID, its final state, the client, \
            the listener, who decided, how long it waited, what its proxied connection \
            carried, and what the client sent.

            Filters combine: --since and --until take a duration back from now (90m, 2h, \
            7d) or a local date and time (2026-12-01T03:00, or with a zone: …Z, …+01:00). \
            --peer takes a network or an address (203.0.113.0/24, 2001:db8::/32, \
            192.0.2.7). --by takes policy, rule, 'rule NAME', operator, timeout, shutdown, \
            upstream, overflow, proxy-protocol, or an operator's user name or uid. Without \
            a filter, the last 100 requests.

            Examples:
              Who let 203.0.113.9 in last night?
                usher log --peer 203.0.113.9 --state accepted --since 2026-12-07T00:00
              What did alice decide today?    usher log --by alice --since 24h
              Counts per state, rule and hour: usher log --stats --since 7d
              Follow, for a script:            usher log --follow --json

            Exit status: 0, 1 when the journal cannot be read, 64 for a usage error.
            """)

    @Option(help: ArgumentHelp(
        "The journal to read. (default: STATE/journal.sqlite, as usher serve writes it)", valueName: "path"))
    var journal: String?

    @Option(help: ArgumentHelp("Requests that ended at or after: 2h, 7d, 2026-12-01T03:00.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Requests that ended before.", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Requests from this network or address.", valueName: "cidr"), transform: Log.prefix)
    var peer: AddressPrefix?

    @Option(help: ArgumentHelp("Requests on this listener: an address (127.0.0.1:8080) or a port (8080).", valueName: "listener"))
    var listener: String?

    @Option(help: ArgumentHelp("Requests that ended so: accepted, rejected, withdrawn, expired, overflowed.", valueName: "state"))
    var state: String?

    @Option(help: ArgumentHelp("Requests decided by: policy, rule, 'rule NAME', timeout, an operator's user name or uid…", valueName: "who"))
    var by: String?

    @Option(help: ArgumentHelp("The request with this ID (r17), in every run.", valueName: "id"), transform: Log.requestID)
    var id: RequestID?

    @Option(help: ArgumentHelp("The most requests, the newest that match.", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print one JSON object per request, for scripts.")
    var json = false

    @Flag(help: "Then print new requests as they are written, until interrupted.")
    var follow = false

    @Flag(help: "Print counts per state, per rule and per hour instead of the requests.")
    var stats = false

    static let states = ["accepted", "rejected", "reset", "withdrawn", "expired", "overflowed"]

    func validate() throws {
        if let state, !Self.states.contains(state) {
            throw ValidationError("--state takes \(Self.states.joined(separator: ", ")), not '\(state)'")
        }
        if let limit, limit < 1 { throw ValidationError("--limit takes a number of 1 or more") }
        if stats && follow { throw ValidationError("--stats and --follow do not go together") }
    }

    func run() async throws {
        var query = try self.query()
        let path = journal ?? StateDirectory.path() + "/journal.sqlite"
        let reader: JournalReader
        do {
            reader = try JournalReader(path: path)
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
        if stats { return try printStats(reader.stats(query)) }
        let entries = try read(reader, query)
        show(entries)
        guard follow else { return }
        query.limit = nil
        var newest = query
        newest.limit = 1
        var last = try entries.map(\.number).max() ?? read(reader, newest).last?.number ?? 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            let new = try read(reader, query, after: last)
            show(new)
            last = new.map(\.number).max() ?? last
        }
    }

    private func query() throws -> JournalQuery {
        var query = JournalQuery()
        query.since = try since.map { try JournalTime.parse($0) }
        query.until = try until.map { try JournalTime.parse($0) }
        query.peer = peer
        query.listener = listener
        query.state = state
        query.decidedBy = by
        query.id = id
        query.limit = limit
        if !stats, limit == nil, since == nil, until == nil, id == nil {
            query.limit = 100
        }
        return query
    }

    private func read(_ reader: JournalReader, _ query: JournalQuery, after number: Int64? = nil) throws -> [JournalReader.Entry] {
        do {
            return try reader.requests(query, after: number)
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
    }

    private func show(_ entries: [JournalReader.Entry]) {
        guard !entries.isEmpty else { return }
        if json {
            for entry in entries { StandardOutput.writeLine(JournalLines.json(entry)) }
        } else {
            StandardOutput.writeLine(JournalLines.table(entries).render())
        }
    }

    private func printStats(_ stats: JournalStats) throws {
        if json {
            let object: [String: Any] = [
                "total": stats.total,
                "states": Dictionary(uniqueKeysWithValues: stats.states.map { ($0.key, $0.count) }),
                "rules": Dictionary(uniqueKeysWithValues: stats.rules.map { ($0.key, $0.count) }),
                "hours": stats.hours.map { ["hour": WireClock.format(Date(timeIntervalSince1970: Double($0.start) / 1000)), "count": $0.count] as [String: Any] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return StandardOutput.writeLine(String(decoding: data, as: UTF8.self))
        }
        var states = TextTable("STATE", "REQUESTS")
        for count in stats.states { states.add([count.key, "\(count.count)"]) }
        states.add(["total", "\(stats.total)"])
        StandardOutput.writeLine(states.render())
        if !stats.rules.isEmpty {
            var rules = TextTable("RULE", "DECIDED")
            for count in stats.rules { rules.add([count.key, "\(count.count)"]) }
            StandardOutput.writeLine("\n" + rules.render())
        }
        var hours = TextTable("HOUR", "REQUESTS")
        for hour in stats.hours { hours.add([String(JournalLines.localTime(hour.start).prefix(13)) + ":00", "\(hour.count)"]) }
        StandardOutput.writeLine("\n" + hours.render())
    }

    static func prefix(_ text: String) throws -> AddressPrefix {
        do throws(AddressPrefix.ParseError) {
            return try AddressPrefix.parse(text)
        } catch {
            throw ValidationError(error.description)
        }
    }

    static func requestID(_ text: String) throws -> RequestID {
        guard let id = RequestID(text) else { throw ValidationError("'\(text)' is not a request ID; write r17") }
        return id
    }
}
