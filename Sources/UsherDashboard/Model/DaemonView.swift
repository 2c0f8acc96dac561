import DequeModule
import Foundation
import OrderedCollections
import Synchronization
import UsherWire
import UsherCore

/// What the daemon has told the dashboard: who it is, its listeners and counters, every pending
/// request, recent events, and the history behind gauges, sparklines and rates. It changes only
/// through control messages and refresh ticks.
public struct DaemonView: Sendable {
    public var hello: WireHello?
    public private(set) var listeners: [WireListener] = [] {
        didSet { listenerNames = Self.shortNames(listeners) }
    }
    /// How panes name each listener, by index (see ``listenerName(_:)``).
    private var listenerNames: [Int: String] = [:]
    public private(set) var counters: WireCounters?
    public private(set) var connections = 0
    public private(set) var maxConnections: Int?
    /// Pending requests by ID, in arrival order.
    public private(set) var rows: OrderedDictionary<String, PendingRow> = [:] {
        didSet { rowsVersion = Self.versions.add(1, ordering: .relaxed).newValue }
    }
    /// Changes whenever `rows` changes, to a number no other view has had, so that views
    /// derived from the rows can be cached.
    public private(set) var rowsVersion = 0
    /// Rows per listener index, kept with `rows`.
    private var pendingByListener: [Int: Int] = [:]
    private static let versions = Atomic<Int>(0)
    /// The newest events last.
    public private(set) var events: Deque<EventLogEntry> = []
    /// Events dropped from the front of ``events`` so far (it holds ``eventCapacity``).
    public private(set) var eventsTrimmed = 0
    /// Requests older than ``events`` read from the daemon's journal, oldest first.
    public internal(set) var history = JournalHistory()
    /// What is wrong in the daemon now (the journal cannot write).
    public private(set) var alerts: [WireAlert] = []
    public private(set) var depthHistory: [Int: DepthHistory] = [:]
    public private(set) var rates: [Int: RateMeter] = [:]
    /// Every TCP listener of the host, when the daemon samples them.
    public private(set) var host: HostListeners?
    /// When the daemon stopped or the connection broke, and why.
    public private(set) var disconnection: String?
    /// When that happened.
    public private(set) var disconnectedAt: Date?
    /// While the daemon stops: its proxied connections drain until then.
    public private(set) var drainingUntil: Date?
    public private(set) var lastSequence: UInt64 = 0
    public let eventCapacity: Int

    public init(eventCapacity: Int = 1000) {
        self.eventCapacity = eventCapacity
    }

    /// What a message changed, for the dashboard to react to (the bell rings for arrivals).
    public struct Change: Hashable, Sendable {
        public var arrivals: Int { arrived.count }
        /// Requests that arrived.
        public var arrived: [String] = []
        public var removed: [String] = []
        /// Why each removed request left, in words (``Departure``).
        public var departures: [String: String] = [:]
        /// Requests still pending whose state, data or outcomes changed.
        public var updated: [String] = []
    }

    /// Applies one message from the daemon.
    @discardableResult
    public mutating func apply(_ message: ControlMessage, now: Date) -> Change {
        switch message {
        case .snapshot(let snapshot):
            return replace(with: snapshot)
        case .resync(let resync):
            log(EventLogEntry(at: now, subject: "usher", text: "resynchronized: \(resync.missed) events missed while the dashboard was busy", slot: .statusError))
            return replace(with: resync.snapshot)
        case .event(let event):
            return apply(event, now: now)
        case .stats(let stats):
            update(counters: stats.counters, listeners: stats.listeners)
            connections = stats.connections
        case .bye(let bye):
            disconnect(because: bye.reason == "usher stopped" ? "daemon stopped" : "daemon stopped: \(bye.reason)", at: now)
        case .hello(let hello):
            meet(hello)
        case .error(let error) where error.code == .lagging:
            log(EventLogEntry(at: now, subject: "usher", text: "fell behind while the dashboard was busy: \(error.message); subscribing again", slot: .statusError))
        case .decided, .rules, .journal, .error:
            break
        }
        return Change()
    }

    /// Records who the daemon is. Another daemon (a restart behind the same socket) has other
    /// requests under the same IDs: what was read from the journal goes, and the log's lines
    /// no longer open a request.
    public mutating func meet(_ hello: WireHello) {
        defer { self.hello = hello }
        guard let known = self.hello, known.pid != hello.pid || known.uptimeMs > hello.uptimeMs else { return }
        history = JournalHistory()
        for index in events.indices { events[index].requestID = nil }
    }

    /// Records that the connection to the daemon ended.
    public mutating func disconnect(because reason: String, at now: Date) {
        guard disconnection == nil else { return }
        disconnection = reason
        disconnectedAt = now
        drainingUntil = nil
        log(EventLogEntry(at: now, subject: "usher", text: reason, slot: .statusError))
    }

    /// Samples depth and counters for sparklines and rates; called once per refresh interval.
    public mutating func tick(now: Date) {
        for listener in listeners {
            depthHistory[listener.id, default: DepthHistory()].record(pendingCount(listener: listener.id))
            rates[listener.id, default: RateMeter()].record(listener.counters, at: now)
        }
    }

    /// Pending requests of one listener, as the table shows them.
    public func pendingCount(listener: Int) -> Int {
        pendingByListener[listener] ?? 0
    }

    /// `:8080` when every listener is on the same host, else the whole address; `#N` for an
    /// index the daemon has not listed.
    public func listenerName(_ index: Int) -> String {
        listenerNames[index] ?? "#\(index)"
    }

    private static func shortNames(_ listeners: [WireListener]) -> [Int: String] {
        let endpoints = listeners.map { (try? Endpoint.parse($0.address)).map { ($0.host, $0.port) } }
        let sameHost = Set(endpoints.map { $0?.0 }).count == 1
        var names: [Int: String] = [:]
        for (listener, endpoint) in zip(listeners, endpoints) where names[listener.id] == nil {
            names[listener.id] = sameHost ? endpoint.map { ":\($0.1)" } ?? listener.address : listener.address
        }
        return names
    }

    /// Takes every row from `snapshot`; the change names the rows that are gone or changed.
    private mutating func replace(with snapshot: WireSnapshot) -> Change {
        let at = WireClock.parse(snapshot.at) ?? Date()
        let before = rows
        if disconnection != nil {
            disconnection = nil
            disconnectedAt = nil
            log(EventLogEntry(at: at, subject: "usher", text: "connected again: a fresh snapshot", slot: .accepted))
        }
        drainingUntil = nil
        update(counters: snapshot.counters, listeners: snapshot.listeners)
        connections = snapshot.connections
        maxConnections = snapshot.maxConnections
        host = snapshot.host.map(HostListeners.init)
        alerts = snapshot.alerts ?? []
        rows = OrderedDictionary(uniqueKeysWithValues: snapshot.pending.map { ($0.id, PendingRow($0, messageTime: at)) })
        pendingByListener = [:]
        for request in snapshot.pending { pendingByListener[request.listener, default: 0] += 1 }
        lastSequence = snapshot.seq
        var change = Change()
        for (id, row) in before {
            if let now = rows[id] {
                if now.differs(from: row) { change.updated.append(id) }
            } else {
                change.removed.append(id)
                change.departures[id] = Departure.noLongerPending(id)
            }
        }
        return change
    }

    private mutating func update(counters: WireCounters, listeners: [WireListener]) {
        self.counters = counters
        self.listeners = listeners
    }

    private mutating func apply(_ event: WireEvent, now: Date) -> Change {
        if let seq = event.seq {
            guard seq > lastSequence else { return Change() }
            lastSequence = seq
        }
        let at = WireClock.parse(event.at) ?? now
        var change = Change()
        switch event.detail {
        case .host(let report):
            let before = host
            if host == nil { host = HostListeners(report) } else { host?.update(with: report) }
            logSaturationChanges(from: before, at: at)
            return change
        case .stats(let tick):
            update(counters: tick.counters, listeners: tick.listeners)
            connections = tick.connections
            drainingUntil = tick.drainingLeftMs.map { at.addingTimeInterval(Double($0) / 1000) }
            alerts = tick.alerts
            return change
        case .paused(let listener, _, _), .resumed(let listener, _):
            if let index = listeners.firstIndex(where: { $0.id == listener.id }) {
                listeners[index].paused = listener.paused
            }
        case .request(let step, let request):
            apply(step, to: request, at: at, into: &change)
        case .rules(let rules):
            // A refused reload is shown as a failure: the operator must know the old rules stay.
            let text = EventText.detail(event) ?? rules.change
            log(EventLogEntry(at: at, subject: "rules", text: "\(rules.change) \(text)", slot: rules.change == "refused" ? .rejected : .normal))
            return change
        case .notice(let notice):
            log(EventLogEntry(at: at, subject: notice.source, text: notice.text, slot: notice.level == .warning ? .statusError : .normal))
            return change
        case .unknown:
            return change
        }
        if let text = EventText.detail(event), event.kind != .outcome, event.kind != .data {
            let subject = event.request?.id ?? event.listener?.address ?? "usher"
            var entry = EventLogEntry(at: at, subject: subject, text: "\(event.kind) \(text)", slot: EventKinds.slot(event.kind))
            entry.requestID = event.request?.id
            log(entry)
        }
        return change
    }

    private mutating func apply(_ step: RequestStep, to request: WireRequest, at: Date, into change: inout Change) {
        // The proxied connection of a request that left the table long ago.
        if case .closed = step { return }
        if step.kind.endsRequest {
            if let removed = rows.removeValue(forKey: request.id) {
                change.removed.append(request.id)
                change.departures[request.id] = Departure.text(step, request)
                pendingByListener[removed.request.listener, default: 1] -= 1
            }
            return
        }
        let row = PendingRow(request, messageTime: at)
        if let before = rows[request.id] {
            if row.differs(from: before) { change.updated.append(request.id) }
        } else {
            change.arrived.append(request.id)
            pendingByListener[request.listener, default: 0] += 1
        }
        rows[request.id] = row
    }

    /// One log line for each host listener whose queue filled up or has room again.
    private mutating func logSaturationChanges(from before: HostListeners?, at: Date) {
        guard let before, let now = host else { return }
        for listener in now.listeners.values {
            let was = before.listeners[listener.id]?.saturated ?? false
            guard listener.saturated != was else { continue }
            let text = listener.saturated
                ? "accept queue full (\(listener.depth)/\(listener.limit)) held by \(listener.processText): the kernel refuses new connections"
                : "accept queue has room again (\(listener.depth)/\(listener.limit))"
            log(EventLogEntry(at: at, subject: listener.address, text: text, slot: listener.saturated ? .overflowed : .accepted))
        }
    }

    private mutating func log(_ entry: EventLogEntry) {
        events.append(entry)
        if events.count > eventCapacity {
            events.removeFirst()
            eventsTrimmed += 1
        }
    }
}

/// Event kinds as the dashboard colours them.
enum EventKinds {
    static func slot(_ kind: WireEventKind) -> Slot {
        switch kind {
        case .accepted: .accepted
        case .rejected: .rejected
        case .withdrawn: .withdrawn
        case .expired: .expired
        case .overflowed, .paused: .overflowed
        case .deferred: .deferred
        case .arrived, .undeferred: .pending
        case .resumed, .data, .outcome, .closed, .stats, .host, .rules, .notice, .unknown: .normal
        }
    }
}
