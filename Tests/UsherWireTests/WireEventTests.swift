import Foundation
import Testing
import UsherCore
import UsherWire

/// Events on the wire: one flat JSON object per event, each kind with exactly its fields, read
/// back to the same value; kinds and values this usher does not know are kept, not refused.
@Suite("Control protocol: events", .timeLimit(.minutes(1)))
struct WireEventTests {
    static let clock = WireClock(now: Moment(nanoseconds: 5_000_000_000), wallNow: Date(timeIntervalSince1970: 1_795_615_331))

    static func request() -> WireRequest {
        let request = Request(
            id: RequestID(7), listener: ListenerID(0), peer: Endpoint(host: "192.0.2.7", port: 40_000),
            local: Endpoint(host: "127.0.0.1", port: 8080), arrivedAt: Moment(nanoseconds: 4_000_000_000))
        return WireRequest(request, clock: clock)
    }

    static let listener = WireListener(ListenerStatus(
        id: ListenerID(0), endpoint: Endpoint(host: "127.0.0.1", port: 8080), limit: 10))

    static let details: [WireEvent.Detail] = [
        .request(.arrived, request()),
        .request(.data, request()),
        .request(.outcome(WireOutcome(condition: "policy", verdict: "ask", reason: "waiting", at: "t")), request()),
        .request(.deferred(until: "2026-11-25T14:02:41.000Z"), request()),
        .request(.undeferred, request()),
        .request(.accepted, request()),
        .request(.rejected(.reset), request()),
        .request(.withdrawn, request()),
        .request(.expired(.accept), request()),
        .request(.overflowed, request()),
        .paused(listener, limit: .pendingQueue, connections: 3),
        .resumed(listener, connections: 2),
        .stats(WireStatsTick(counters: WireCounters(Counters()), listeners: [listener], connections: 1)),
        .host(WireHost(
            at: "t", intervalMs: 1000, somaxconn: 4096, listenOverflows: 1, listenDrops: 1, overflowsPerSecond: 0,
            dropsPerSecond: 0, listeners: [])),
        .notice(WireNotice(source: "notify", level: .warning, text: "hook failed for r4: exit 3")),
        .stats(WireStatsTick(
            counters: WireCounters(Counters()), listeners: [listener], connections: 1,
            alerts: [WireAlert(source: "journal", text: "not writing: disk full")])),
    ]

    static func object(_ event: WireEvent) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(WireJSON.encode(event))) as? [String: Any])
    }

    @Test("every kind round-trips, with its kind name and only its own fields")
    func roundTrips() throws {
        for (index, detail) in Self.details.enumerated() {
            let event = WireEvent(seq: UInt64(index + 1), at: "2026-11-25T14:02:11.000Z", detail: detail)
            let decoded = try JSONDecoder().decode(WireEvent.self, from: Data(WireJSON.encode(event)))
            #expect(decoded == event, "\(event.kind)")
            let keys = Set(try Self.object(event).keys)
            let own: Set<String> = switch event.kind {
            case .outcome: ["request", "outcome"]
            case .deferred: ["request", "until"]
            case .rejected: ["request", "mode"]
            case .expired: ["request", "action"]
            case .paused: ["listener", "limit", "connections"]
            case .resumed: ["listener", "connections"]
            case .stats:
                if case .stats(let tick) = detail, !tick.alerts.isEmpty {
                    ["counters", "listeners", "connections", "alerts"]
                } else {
                    ["counters", "listeners", "connections"]
                }
            case .host: ["host"]
            case .notice: ["notice"]
            default: ["request"]
            }
            #expect(keys == own.union(["seq", "kind", "at"]), "\(event.kind): \(keys.sorted())")
        }
    }

    @Test("the wire names of the kinds are the protocol's")
    func names() throws {
        let names = try Self.details.map { try Self.object(WireEvent(seq: 1, at: "t", detail: $0))["kind"] as? String }
        #expect(names == [
            "arrived", "data", "outcome", "deferred", "undeferred", "accepted", "rejected", "withdrawn", "expired",
            "overflowed", "paused", "resumed", "stats", "host", "notice", "stats",
        ])
        #expect(WireEventKind(name: "rejected") == .rejected && WireEventKind.rejected.endsRequest)
    }

    @Test("an unknown kind, or a known kind with a value this usher cannot read, is kept as unknown")
    func unknown() throws {
        let newer = #"{"seq":9,"kind":"quarantined","at":"t","request":{}}"#
        let event = try JSONDecoder().decode(WireEvent.self, from: Data(newer.utf8))
        #expect(event.detail == .unknown(kind: "quarantined") && event.seq == 9)
        #expect(EventText.detail(event) == nil)
        var rejected = try Self.object(WireEvent(seq: 3, at: "t", detail: .request(.rejected(.close), Self.request())))
        rejected["mode"] = "tarpit"
        let odd = try JSONDecoder().decode(WireEvent.self, from: try JSONSerialization.data(withJSONObject: rejected))
        #expect(odd.detail == .unknown(kind: "rejected"))
    }

    @Test("a known kind without the fields it needs is refused")
    func missingFields() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(WireEvent.self, from: Data(#"{"seq":1,"kind":"accepted","at":"t"}"#.utf8))
        }
    }
}
