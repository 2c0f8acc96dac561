import Foundation
import Testing
import UsherCore
import UsherDashboard
import UsherRulesFile
import UsherTestSupport
import UsherWire
@testable import usher

/// Random bytes in every field a client controls (TLS server name, HTTP request line and Host,
/// raw data, and the rule reasons that quote them) go through the core, the wire and every
/// renderer: `usher ls`, `usher watch`, the log (text and JSON), JSON output and the dashboard.
/// None of them may put a character a terminal could act on in its output.
@Suite("Hostile bytes never reach a terminal", .timeLimit(.minutes(2)))
struct TerminalSafetyTests {
    static let listener = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))
    static let rules = """
        [[rule]]
        name = "canary"
        sni = "canary.*.example.com"
        action = "ask"

        [[rule]]
        name = "shop"
        host = "shop.example.com"
        path = "/admin"
        action = "ask"

        [default]
        action = "ask"
        """

    /// Bytes a hostile client would pick: terminal controls, C1 in UTF-8, bidi overrides, and
    /// plain text between them.
    static func hostileBytes(_ random: inout SeededRandom, count: Int, ascii: Bool) -> [UInt8] {
        let pieces: [[UInt8]] = [
            [0x1B, 0x5D, 0x30, 0x3B], [0x07], [0x1B, 0x5B, 0x32, 0x4A], [0x0D, 0x0A], [0x0D], [0x0A], [0x00], [0x7F],
            [0x09], Array("r1  pending".utf8), Array("a.example.com".utf8),
        ] + (ascii ? [] : [[0xC2, 0x9B], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6], [0xFF], [0xC2]])
        var bytes: [UInt8] = []
        while bytes.count < count {
            let pick = random.next()
            if pick % 3 == 0 {
                bytes.append(UInt8(truncatingIfNeeded: pick >> 8) & (ascii ? 0x7F : 0xFF))
            } else {
                bytes += pieces[Int(pick >> 8 % UInt64(pieces.count))]
            }
        }
        return bytes
    }

    static func clientBytes(_ random: inout SeededRandom) -> [UInt8] {
        switch random.next() % 3 {
        case 0:
            let name = String(decoding: hostileBytes(&random, count: 1 + Int(random.next() % 60), ascii: true), as: UTF8.self)
            return ClientHellos.make(host: name, alpn: ["h2"])
        case 1:
            let path = hostileBytes(&random, count: Int(random.next() % 30), ascii: false)
            let host = hostileBytes(&random, count: Int(random.next() % 30), ascii: false)
            return Array("GET /".utf8) + path + Array(" HTTP/1.1\r\nHost: ".utf8) + host + Array("\r\n\r\n".utf8)
        default:
            return hostileBytes(&random, count: 1 + Int(random.next() % 120), ascii: false)
        }
    }

    static func unsafe(_ output: String) -> [Unicode.Scalar] { TerminalSafety.unsafeCharacters(in: output) }

    static let emptySnapshot: WireSnapshot = {
        let counters = #""arrived":0,"accepted":0,"rejected":0,"withdrawn":0,"expired":0,"overflowed":0,"pending":0,"conserved":true"#
        let json = """
            {"at":"2026-11-25T14:02:11.000Z","seq":0,"uptime_ms":1000,"connections":0,"max_connections":100,
             "counters":{\(counters)},
             "listeners":[{"id":0,"address":"127.0.0.1:8080","pending":0,"max_pending":100,"backlog":128,"paused":false,
                           "counters":{\(counters)}}],
             "pending":[]}
            """
        return try! JSONDecoder().decode(WireSnapshot.self, from: Data(json.utf8))
    }()

    @Test("every renderer escapes what 300 hostile clients sent (seeded)")
    func everyRenderer() throws {
        var random = SeededRandom("hostile renderers")
        let rules = try RulesFile.parse(Self.rules, file: "t.toml")
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [Self.listener], rules: rules)
        let clock = WireClock(now: .zero, wallNow: Date(timeIntervalSince1970: 1_795_615_331))
        var dashboard = Dashboard(width: 120, height: 40)
        dashboard.receive(hello: WireHello(protocol: 1, version: "0.1.0", pid: 1, uptimeMs: 1000, role: .operator))
        _ = dashboard.receive(.snapshot(Self.emptySnapshot), now: Date())
        var sequence: UInt64 = 1
        var requests: [WireRequest] = []
        for index in 0..<300 {
            let now = Moment.zero + .milliseconds(index)
            let (outcome, arrival) = core.arrive(
                on: ListenerID(0), peer: Endpoint(host: "127.0.0.1", port: 40_000 + index), local: Self.listener.endpoint, at: now)
            guard case .queued(let id) = outcome else { Issue.record("request \(index) not queued"); continue }
            let bytes = Self.clientBytes(&random)
            let received = try core.received(bytes, for: id, at: now)
            for event in arrival.events + received.events {
                let wire = WireEvent(GateEvent(sequence: sequence, event: event), clock: clock)
                sequence += 1
                if let line = EventText.line(wire) {
                    #expect(Self.unsafe(line).isEmpty, "watch: \(line.debugDescription)")
                }
                _ = dashboard.receive(.event(wire), now: Date())
            }
            let request = try #require(core.request(id))
            let wire = WireRequest(request, clock: clock, at: now)
            requests.append(wire)
            let json = String(decoding: WireJSON.encode(wire), as: UTF8.self)
            #expect(json.unicodeScalars.allSatisfy { !TerminalText.needsEscape($0) }, "json: \(json.debugDescription)")
            for outcome in request.outcomes {
                let fields = [("id", "\(id)"), ("reason", outcome.reason), ("condition", outcome.condition)]
                let text = LogLine.text(time: "t", level: .info, message: "evaluated", fields: fields)
                #expect(Self.unsafe(text).isEmpty && !text.contains("\n"), "log: \(text.debugDescription)")
                let logJSON = LogLine.json(time: "t", level: .info, message: "evaluated", fields: fields)
                #expect(logJSON.unicodeScalars.allSatisfy { !TerminalText.needsEscape($0) }, "log json: \(logJSON.debugDescription)")
            }
        }
        let table = List.table(requests, listeners: Self.emptySnapshot.listeners).render(width: nil)
        #expect(Self.unsafe(table).isEmpty)
        #expect(table.split(separator: "\n").count == requests.count + 1, "one line per request, none forged")
        dashboard.settle()
        _ = dashboard.press(.enter, now: Date())
        for _ in 0..<requests.count {
            let screen = dashboard.render(now: Date()).text
            #expect(Self.unsafe(screen).isEmpty, "dashboard: \(screen)")
            _ = dashboard.press(.down, now: Date())
        }
    }
}
