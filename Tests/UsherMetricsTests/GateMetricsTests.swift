import Foundation
import Testing
import UsherCore
import UsherKernel
@testable import UsherMetrics

/// The metrics as text, from a real provider core's snapshots and events.
@Suite("Gate metrics", .timeLimit(.minutes(1)))
struct GateMetricsTests {
    static let listener = ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 8080))

    static func text(_ metrics: GateMetrics, _ core: ProviderCore, host: HostView? = nil) -> String {
        let snapshot = GateSnapshot(
            counters: core.counters, listeners: core.listeners, connections: core.connectionCount, pending: core.pendingRequests,
            at: .zero, lastEventSequence: 0)
        let reading = GateMetrics.Reading(snapshot: snapshot, rules: nil, host: host, pid: 42)
        return String(decoding: metrics.scrape(reading), as: UTF8.self)
    }

    static func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("counters follow the core between scrapes; gauges say what waits; events give decision times and bytes")
    func countersAndEvents() throws {
        let metrics = GateMetrics()
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [Self.listener])
        var sequence: UInt64 = 0
        func feed(_ output: ProviderOutput) {
            for event in output.events {
                sequence += 1
                metrics.record(GateEvent(sequence: sequence, event: event))
            }
        }
        let now = Moment(nanoseconds: 1_000_000_000)
        var ids: [RequestID] = []
        for port in 1...3 {
            let (outcome, output) = core.arrive(on: ListenerID(0), peer: Endpoint(host: "192.0.2.1", port: port), local: Self.listener.endpoint, at: now)
            feed(output)
            if case .queued(let id) = outcome { ids.append(id) }
        }
        feed(try core.decide(ids[0], .accept, by: .operator(Operator(pid: 1, uid: 0)), at: now + .milliseconds(30)))
        feed(try core.upstreamConnected(ids[0], at: now + .milliseconds(31)))
        feed(try core.decide(ids[1], .deferral(.seconds(5)), by: .operator(Operator()), at: now))
        let first = Self.text(metrics, core)
        let listener = #"{listener="127.0.0.1:8080"}"#
        #expect(Self.value(first, "usher_requests_arrived_total" + listener) == 3)
        #expect(Self.value(first, #"usher_requests_total{listener="127.0.0.1:8080",state="accepted"}"#) == 1)
        #expect(Self.value(first, "usher_requests_pending" + listener) == 2)
        #expect(Self.value(first, "usher_requests_deferred" + listener) == 1)
        #expect(Self.value(first, "usher_requests_oldest_waiting_seconds" + listener) == 0, "the snapshot is at zero")
        #expect(Self.value(first, #"usher_decision_seconds_count{decided_by="operator"}"#) == 1)
        #expect(Self.value(first, #"usher_decision_seconds_bucket{decided_by="operator",le="0.01"}"#) == 0)
        #expect(Self.value(first, #"usher_decision_seconds_bucket{decided_by="operator",le="0.05"}"#) == 1, "waited 31 ms")
        feed(core.connectionClosed(ids[0], transferred: Transferred(toUpstream: 46, toClient: 1234), at: now + .seconds(1)))
        feed(core.connectionClosed(ids[2], at: now + .seconds(1)))
        let second = Self.text(metrics, core)
        #expect(Self.value(second, #"usher_requests_total{listener="127.0.0.1:8080",state="withdrawn"}"#) == 1)
        #expect(Self.value(second, #"usher_requests_total{listener="127.0.0.1:8080",state="accepted"}"#) == 1, "not counted twice")
        #expect(Self.value(second, #"usher_proxied_bytes_total{direction="to_client"}"#) == 1234)
        #expect(Self.value(second, #"usher_connections{kind="pending"}"#) == 1)
        #expect(second.contains("# TYPE usher_requests_total counter") && second.contains("# HELP usher_requests_total"))
    }

    @Test("host listeners come and go with the samples; a hostile process name cannot forge a line")
    func hostListeners() {
        let metrics = GateMetrics(hostListeners: true)
        let core = ProviderCore(configuration: ProviderConfiguration(), listeners: [Self.listener])
        func listener(port: UInt16, depth: Int, command: String) -> HostListener {
            let socket = ListeningSocket(
                family: .ipv4, address: [127, 0, 0, 1], port: port, interfaceIndex: 0, depth: depth, limit: 5, inode: UInt64(port), cookie: UInt64(port))
            return HostListener(socket: socket, address: "127.0.0.1:\(port)", owners: [SocketOwner(pid: 7, command: command, descriptor: 3)])
        }
        let evil = "x\"} 1\nusher_fake 1\n"
        var view = HostView(at: .zero, listeners: [listener(port: 9000, depth: 5, command: "stuck"), listener(port: 9001, depth: 0, command: evil)])
        let first = Self.text(metrics, core, host: view)
        #expect(first.contains(#"usher_host_listener_queue_depth{address="127.0.0.1:9000",process="stuck[7]"} 5"#), "\(first)")
        #expect(!first.split(separator: "\n").contains { $0.hasPrefix("usher_fake") }, "a name from /proc stays inside its label")
        view.listeners.removeFirst()
        let second = Self.text(metrics, core, host: view)
        #expect(!second.contains("127.0.0.1:9000"), "a listener gone is gone from the metrics")
    }
}
