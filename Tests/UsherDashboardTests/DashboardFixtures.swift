import Foundation
import UsherWire
import UsherDashboard

/// Control messages as a daemon would send them, at fixed times, for screens that read the
/// same on every run.
enum Fixture {
    /// 2026-11-25T14:02:11Z; the fixture's dashboards show times in UTC.
    static let now = Date(timeIntervalSince1970: 1_795_615_331)

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
        /// The TLS server name the daemon read from the data, if any.
        var serverName: String?
        /// Who decided: `pid 812`, `rule office`.
        var decidedBy: String?
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
        if let serverName = pending.serverName { callerData["tls_sni"] = serverName }
        var request: [String: Any] = [
            "id": "r\(pending.id)", "listener": pending.listener, "peer": pending.peer,
            "local": "127.0.0.1:\(8080 + pending.listener)", "state": pending.state, "arrived": time(-pending.age),
            "age_ms": Int(pending.age * 1000), "caller_finished_sending": false, "caller_data": callerData,
            "outcomes": pending.outcomes.map { ["condition": $0.0, "verdict": $0.1, "reason": $0.2, "at": time(-pending.age)] },
        ]
        if let timeout = pending.timeout { request["timeout_ms"] = Int(timeout * 1000) }
        if let deferred = pending.deferredFor { request["deferred_until"] = time(deferred) }
        if let decidedBy = pending.decidedBy { request["decided_by"] = decidedBy }
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

    /// A host listener as the daemon reports it.
    struct HostSocket {
        var id: UInt64
        var address: String
        var port: Int
        var depth = 0
        var limit = 128
        var saturatedMs: Int?
        var drops = 0
        var processes: [(Int32, String, String)] = []
        var history: [Int] = []
    }

    static func hostObject(_ sockets: [HostSocket], overflowsPerSecond: Double = 0) -> [String: Any] {
        ["at": time(0), "interval_ms": 1000, "somaxconn": 4096, "listen_overflows": 1234, "listen_drops": 1240,
         "overflows_per_s": overflowsPerSecond, "drops_per_s": overflowsPerSecond,
         "listeners": sockets.map { socket -> [String: Any] in
             var object: [String: Any] = [
                 "host": true, "id": socket.id, "address": socket.address, "family": socket.address.hasPrefix("[") || socket.address.hasPrefix("*") ? "ipv6" : "ipv4",
                 "port": socket.port, "depth": socket.depth, "limit": socket.limit, "saturated": socket.saturatedMs != nil,
                 "saturated_total_ms": socket.saturatedMs ?? 0, "drops_estimate": socket.drops, "uid": 0, "inode": 4000 + socket.id,
                 "processes": socket.processes.map { ["pid": $0.0, "command": $0.1, "cmdline": $0.2, "fd": 3] },
                 "history": socket.history,
             ]
             if let saturated = socket.saturatedMs { object["saturated_ms"] = saturated }
             return object
         }]
    }

    static func decode<Value: Decodable>(_ object: [String: Any], as type: Value.Type) -> Value {
        try! JSONDecoder().decode(type, from: try! JSONSerialization.data(withJSONObject: object))
    }

    /// A snapshot with the host's listeners, and the gated listener's kernel queue.
    static func snapshot(_ requests: [Pending], host sockets: [HostSocket], kernelDepth: Int) -> WireSnapshot {
        var snapshot = snapshot(requests)
        snapshot.host = decode(hostObject(sockets), as: WireHost.self)
        snapshot.listeners[0].kernelDepth = kernelDepth
        return snapshot
    }

    /// A `host` event: listeners without history.
    static func hostEvent(_ sockets: [HostSocket]) -> ControlMessage {
        var object = hostObject(sockets)
        object["listeners"] = (object["listeners"] as! [[String: Any]]).map { $0.filter { $0.key != "history" } }
        return .event(decode(["kind": "host", "at": time(0), "host": object], as: WireEvent.self))
    }

    /// A busy host: a stuck server, usher's own listener, sshd, and an IPv6 wildcard.
    static let hostSockets: [HostSocket] = [
        HostSocket(id: 1, address: "0.0.0.0:22", port: 22, processes: [(612, "sshd", "sshd: /usr/sbin/sshd -D")], history: [0, 0, 0]),
        HostSocket(id: 2, address: "127.0.0.1:8080", port: 8080, depth: 3, limit: 4096, processes: [(4411, "usher", "usher serve")], history: [0, 1, 3]),
        HostSocket(id: 3, address: "127.0.0.1:5432", port: 5432, depth: 6, limit: 5, saturatedMs: 12_400, drops: 31,
                   processes: [(7001, "postgres", "postgres -D /var/lib/postgresql"), (7002, "postgres", "postgres: checkpointer")],
                   history: [0, 1, 2, 4, 5, 6, 6, 6]),
        HostSocket(id: 4, address: "*:80", port: 80, depth: 1, limit: 511, processes: [(900, "nginx", "nginx: master process")], history: [1, 0, 1]),
    ]

    static let hello = WireHello(protocol: 1, version: "0.1.0", pid: 4411, uptimeMs: 60_000, role: .operator)

    /// A dashboard that has received `snapshot` and one refresh; its clock shows UTC, so that
    /// screens read the same in every time zone.
    static func dashboard(
        _ snapshot: WireSnapshot, width: Int = 120, height: Int = 32, options: DashboardOptions = DashboardOptions()
    ) -> Dashboard {
        var options = options
        options.clockFace = .utc
        var dashboard = Dashboard(width: width, height: height, options: options)
        dashboard.receive(hello: hello)
        // A second before `now`: decision keys pause after rows appear under the cursor.
        _ = dashboard.receive(.snapshot(snapshot), now: now.addingTimeInterval(-1))
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
