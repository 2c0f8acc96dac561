import Prometheus
import Synchronization
import UsherCore
import UsherKernel

/// usher in the Prometheus text format: the counters, queues and decisions of a gate, the
/// kernel's accept queues of its listeners (and, with `hostListeners`, of every listener of the
/// host), proxied bytes and how long decisions took.
///
/// What the gate counts is read at each scrape (``update(_:)``); what only the events tell
/// (time to decision, bytes) is recorded as they come (``record(_:)``), on the event thread.
public final class GateMetrics: Sendable {
    /// What a scrape reads.
    public struct Reading: Sendable {
        public var snapshot: GateSnapshot
        public var rules: RulesInForce?
        /// The latest sample of the host's listeners, if the host is watched.
        public var host: HostView?
        /// The daemon's own process ID, to find its listeners among the host's.
        public var pid: Int32
        /// `--pending-timeout`, if any.
        public var pendingTimeout: Duration?

        public init(snapshot: GateSnapshot, rules: RulesInForce?, host: HostView?, pid: Int32, pendingTimeout: Duration? = nil) {
            self.snapshot = snapshot
            self.rules = rules
            self.host = host
            self.pid = pid
            self.pendingTimeout = pendingTimeout
        }
    }

    public let registry = PrometheusCollectorRegistry()
    /// Every host listener too, not only the gated ones.
    public let hostListeners: Bool
    private let state = Mutex(State())
    private let bytesUp: Counter
    private let bytesDown: Counter

    /// The events it needs: how requests ended and what their connections carried.
    public static let interest: EventInterest = [.endings, .traffic]

    /// The time to a decision, in seconds: from a millisecond to five minutes.
    static let decisionBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(500),
        .seconds(1), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]

    private struct State {
        /// The last value of each counter read from a snapshot, by name and labels: a scrape
        /// adds what grew since.
        var counted: [String: Int] = [:]
        var histograms: [String: DurationHistogram] = [:]
        var hostGauges: [String: Gauge] = [:]
    }

    public init(hostListeners: Bool = false) {
        self.hostListeners = hostListeners
        let bytes = Self.descriptor("usher_proxied_bytes_total", "Bytes proxied connections carried, each way (counted when a connection closes).")
        bytesUp = registry.makeCounter(descriptor: bytes, labels: [("direction", "to_upstream")])
        bytesDown = registry.makeCounter(descriptor: bytes, labels: [("direction", "to_client")])
    }

    /// Records what an event tells: the time to a request's decision, a connection's bytes.
    public func record(_ event: GateEvent) {
        guard case .request(let step) = event.event else { return }
        switch step.kind {
        case .accepted, .rejected, .expired, .overflowed:
            let decider = step.request.decider?.kind ?? "none"
            histogram(decider).record(step.request.age(at: step.request.finishedAt ?? step.at))
        case .closed(let transferred):
            bytesUp.increment(by: Int64(transferred.toUpstream))
            bytesDown.increment(by: Int64(transferred.toClient))
        case .arrived, .callerData, .evaluated, .deferred, .undeferred, .withdrawn:
            break
        }
    }

    /// Brings the counters and gauges to `reading`, then returns the whole text.
    public func scrape(_ reading: Reading) -> [UInt8] {
        update(reading)
        return registry.emitToBuffer()
    }

    /// Brings the counters and gauges read from the gate (and the host) to `reading`.
    public func update(_ reading: Reading) {
        let snapshot = reading.snapshot
        var deferred: [ListenerID: Int] = [:]
        var oldest: [ListenerID: Duration] = [:]
        for request in snapshot.pending where request.state.isUndecided {
            if case .deferred = request.state { deferred[request.listener, default: 0] += 1 }
            oldest[request.listener] = max(oldest[request.listener] ?? .zero, request.age(at: snapshot.at))
        }
        for listener in snapshot.listeners {
            let name = [("listener", listener.endpoint.description)]
            count("usher_requests_arrived_total", name, listener.counters.arrived, help: "Requests usher took from the kernel.")
            for (state, value) in [
                ("accepted", listener.counters.accepted), ("rejected", listener.counters.rejected),
                ("withdrawn", listener.counters.withdrawn), ("expired", listener.counters.expired),
                ("overflowed", listener.counters.overflowed),
            ] {
                count("usher_requests_total", name + [("state", state)], value, help: "Requests that ended, by how.")
            }
            gauge("usher_requests_pending", name, listener.counters.pending, help: "Requests waiting now (pending, deferred, or being accepted).")
            gauge("usher_requests_deferred", name, deferred[listener.id] ?? 0, help: "Requests deferred now.")
            registry.makeGauge(
                descriptor: Self.descriptor("usher_requests_oldest_waiting_seconds", "How long the oldest undecided request (pending or deferred) has waited; 0 when none waits."),
                labels: name
            ).set(Double((oldest[listener.id] ?? .zero).nanosecondsClamped) / 1e9)
            gauge("usher_listener_pending_limit", name, listener.limit, help: "The most requests that may wait (--max-pending).")
            gauge("usher_listener_paused", name, listener.isPaused ? 1 : 0, help: "1 while usher takes no connection from the kernel (the pending queue is full).")
            if let backlog = listener.kernelBacklog {
                gauge("usher_listener_kernel_queue_limit", name, backlog, help: "The kernel accept queue's length (--backlog, clamped).")
            }
            let own = reading.host?.listeners.first { host in
                host.socket.port == UInt16(clamping: listener.endpoint.port) && host.owners.contains { $0.pid == reading.pid }
            }
            if let own {
                gauge("usher_listener_kernel_queue_depth", name, own.socket.depth, help: "Connections the kernel completed that usher has not taken yet.")
            }
        }
        if let timeout = reading.pendingTimeout {
            registry.makeGauge(descriptor: Self.descriptor("usher_pending_timeout_seconds", "--pending-timeout."), labels: [])
                .set(Double(timeout.nanosecondsClamped) / 1e9)
        }
        let pending = snapshot.listeners.reduce(0) { $0 + $1.counters.pending }
        gauge("usher_connections", [("kind", "pending")], pending, help: "Client connections usher holds, by kind.")
        gauge("usher_connections", [("kind", "proxied")], max(0, snapshot.connections - pending), help: "Client connections usher holds, by kind.")
        if let rules = reading.rules {
            for (rule, counters) in rules.counters {
                count("usher_rule_evaluations_total", [("rule", rule)], Int(counters.evaluated), help: "Requests a rule was tested against.")
                count("usher_rule_matches_total", [("rule", rule)], Int(counters.matched), help: "Requests a rule matched.")
            }
        }
        if let host = reading.host { update(host) }
    }

    private func update(_ host: HostView) {
        if let counters = host.counters {
            count("usher_host_listen_overflows_total", [], Int(counters.overflows), help: "The host's ListenOverflows: handshakes refused because an accept queue was full.")
            count("usher_host_listen_drops_total", [], Int(counters.drops), help: "The host's ListenDrops.")
        }
        if let somaxconn = host.somaxconn { gauge("usher_host_somaxconn", [], somaxconn, help: "net.core.somaxconn.") }
        guard hostListeners else { return }
        var seen = Set<String>()
        for listener in host.listeners {
            let process = listener.owners.first.map { "\($0.command)[\($0.pid)]" } ?? ""
            let labels = [("address", listener.address), ("process", process)]
            for (name, value, help) in [
                ("usher_host_listener_queue_depth", listener.socket.depth, "A host listener's accept queue now."),
                ("usher_host_listener_queue_limit", listener.socket.limit, "A host listener's accept queue length."),
                ("usher_host_listener_saturated", listener.isSaturated ? 1 : 0, "1 while a host listener's accept queue is full."),
            ] {
                let key = Self.key(name, labels)
                seen.insert(key)
                hostGauge(key, name, labels, help: help).set(Int64(value))
            }
        }
        let gone = state.withLock { state in
            let gone = state.hostGauges.filter { !seen.contains($0.key) }
            for key in gone.keys { state.hostGauges[key] = nil }
            return Array(gone.values)
        }
        for gauge in gone { registry.unregisterGauge(gauge) }
    }

    // MARK: Registry

    private func count(_ name: String, _ labels: [(String, String)], _ value: Int, help: String) {
        let key = Self.key(name, labels)
        let grown = state.withLock { state -> Int in
            let before = state.counted[key] ?? 0
            state.counted[key] = value
            return value - before
        }
        let counter = registry.makeCounter(descriptor: Self.descriptor(name, help), labels: labels)
        if grown > 0 { counter.increment(by: Int64(grown)) }
    }

    private func gauge(_ name: String, _ labels: [(String, String)], _ value: Int, help: String) {
        registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels).set(Int64(value))
    }

    private func hostGauge(_ key: String, _ name: String, _ labels: [(String, String)], help: String) -> Gauge {
        if let existing = state.withLock({ $0.hostGauges[key] }) { return existing }
        let gauge = registry.makeGauge(descriptor: Self.descriptor(name, help), labels: labels)
        state.withLock { $0.hostGauges[key] = gauge }
        return gauge
    }

    private func histogram(_ decider: String) -> DurationHistogram {
        if let existing = state.withLock({ $0.histograms[decider] }) { return existing }
        let histogram = registry.makeDurationHistogram(
            descriptor: Self.descriptor("usher_decision_seconds", "How long requests waited for their decision, by who decided."),
            labels: [("decided_by", decider)], buckets: Self.decisionBuckets)
        state.withLock { $0.histograms[decider] = histogram }
        return histogram
    }

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    private static func key(_ name: String, _ labels: [(String, String)]) -> String {
        name + labels.map { "|\($0.0)=\($0.1)" }.joined()
    }
}
