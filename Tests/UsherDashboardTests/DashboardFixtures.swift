import Foundation
import UsherControl
import UsherDashboard

/// Control messages as a daemon would send them, at fixed times, for screens that read the
/// same on every run.
enum Fixture {
    /// 2026-11-25T14:02:11Z; times print in UTC.
    static let now: Date = {
        setenv("TZ", "UTC", 1)
        tzset()
        return Date(timeIntervalSince1970: 1_795_615_331)
    }()

    static func time(_ secondsFromNow: Double) -> String {
        WireClock.format(now.addingTimeInterval(secondsFromNow))
    }

    struct Pending {
        var id: Int
        var peer = "127.0.0.1:40000"
        var listener = 0
        var age: Double = 2
        var timeout: Double? = 58
        var state = "pending"
        var data: [UInt8] = Array("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8)
        var outcomes: [(String, String, String)] = [("policy", "ask", "--policy ask: waiting for an operator")]
        var deferredFor: Double?
    }

    static func counters(pending: Int, arrived: Int? = nil) -> [String: Any] {
        let arrived = arrived ?? pending
        return ["arrived": arrived, "accepted": arrived - pending, "rejected": 0, "withdrawn": 0, "expired": 0,
                "overflowed": 0, "pending": pending, "conserved": true]
    }

    static func listener(_ id: Int, port: Int, pending: Int) -> [String: Any] {
        ["id": id, "address": "127.0.0.1:\(port)", "pending": pending, "max_pending": 10000, "backlog": 4096,
         "paused": false, "counters": counters(pending: pending, arrived: pending + 12)]
    }

    static func request(_ pending: Pending) -> [String: Any] {
        let preview = pending.data.map { byte -> String in
            switch byte {
            case 0x0D: "␍"
            case 0x0A: "␊"
            case 0x20..<0x7F: String(UnicodeScalar(byte))
            default: "."
            }
        }.joined()
        var callerData: [String: Any] = ["total": pending.data.count, "base64": Data(pending.data).base64EncodedString(), "preview": preview]
        if pending.data.starts(with: Array("GET ".utf8)) {
            callerData["http_request"] = "GET / HTTP/1.1"
            callerData["http_host"] = "example.com"
        }
        var request: [String: Any] = [
            "id": "r\(pending.id)", "listener": pending.listener, "peer": pending.peer,
            "local": "127.0.0.1:\(8080 + pending.listener)", "state": pending.state, "arrived": time(-pending.age),
            "age_ms": Int(pending.age * 1000), "caller_finished_sending": false, "caller_data": callerData,
            "outcomes": pending.outcomes.map { ["condition": $0.0, "verdict": $0.1, "reason": $0.2, "at": time(-pending.age)] },
        ]
        if let timeout = pending.timeout { request["timeout_ms"] = Int(timeout * 1000) }
        if let deferred = pending.deferredFor { request["deferred_until"] = time(deferred) }
        return request
    }

    static func snapshot(_ requests: [Pending], listeners: Int = 1, arrived: Int? = nil) -> WireSnapshot {
        let object: [String: Any] = [
            "at": time(0), "seq": 100, "uptime_ms": 60_000, "connections": requests.count, "max_connections": 6645,
            "counters": counters(pending: requests.count, arrived: arrived ?? requests.count + 12 * listeners),
            "listeners": (0..<listeners).map { index in
                listener(index, port: 8080 + index, pending: requests.filter { $0.listener == index }.count)
            },
            "pending": requests.map(request),
        ]
        let data = try! JSONSerialization.data(withJSONObject: object)
        return try! JSONDecoder().decode(WireSnapshot.self, from: data)
    }

    static let hello = WireHello(protocol: 1, version: "0.1.0", pid: 4411, uptimeMs: 60_000, role: .operator)

    /// A dashboard that has received `snapshot` and one refresh.
    static func dashboard(
        _ snapshot: WireSnapshot, width: Int = 120, height: Int = 32, options: DashboardOptions = DashboardOptions()
    ) -> Dashboard {
        var dashboard = Dashboard(width: width, height: height, options: options)
        dashboard.receive(hello: hello)
        _ = dashboard.receive(.snapshot(snapshot), now: now)
        dashboard.settle()
        dashboard.tick(now: now)
        return dashboard
    }

    static func event(_ kind: String, _ pending: Pending, seq: UInt64, extra: [String: Any] = [:]) -> ControlMessage {
        var object: [String: Any] = ["seq": seq, "kind": kind, "at": time(0), "request": request(pending)]
        object.merge(extra) { $1 }
        let data = try! JSONSerialization.data(withJSONObject: object)
        return .event(try! JSONDecoder().decode(WireEvent.self, from: data))
    }

    /// Peers from documentation networks.
    static func peer(_ index: Int) -> String {
        ["203.0.113.\(index % 250 + 1):\(40000 + index)", "198.51.100.\(index % 250 + 1):\(50000 + index)",
         "[2001:db8::\(index % 250 + 1)]:\(49152 + index % 1000)"][index % 3]
    }
}
