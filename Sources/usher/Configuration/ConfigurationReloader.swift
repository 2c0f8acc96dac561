import Logging
import UsherControl
import UsherCore
import UsherGate
import UsherRulesFile
import UsherWire

/// Reads the configuration file of a running `usher serve` again (SIGHUP, `usher reload`) and
/// puts what changed in force: new listeners bind, those left out stop taking connections and
/// finish what they hold, changed settings apply to new requests, the rules file is read again.
/// A file with a problem (or a listener that cannot bind) changes nothing; either way the log,
/// the event stream and the dashboard say what happened. One reload at a time.
actor ConfigurationReloader {
    /// What a reload did, or why it changed nothing.
    enum Outcome: Sendable {
        case reloaded(String)
        case refused(String)
    }

    private let path: String
    private let gate: Gate
    private let rules: RulesFileKeeper
    private let notices: NoticeBoard
    private let systemd: SystemdSockets
    private let logger: Logger
    /// The gate's listeners from the configuration, by their address as configured.
    private var listeners: [String: ListenerID]
    /// The file's top-level settings in force, as `--key=value` arguments by key.
    private var settings: [String: [String]]

    init(
        path: String, gate: Gate, rules: RulesFileKeeper, notices: NoticeBoard, systemd: SystemdSockets,
        logger: Logger
    ) throws {
        self.path = path
        self.gate = gate
        self.rules = rules
        self.notices = notices
        self.systemd = systemd
        self.logger = logger
        let keys = Self.keys(of: gate.configuration.listeners)
        listeners = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, ListenerID($0.offset)) })
        settings = Self.settings(of: try Config.load(path))
    }

    /// Reloads the file: see the type's description.
    func reload() async -> Outcome {
        let outcome: Outcome
        do {
            outcome = .reloaded(try await apply())
        } catch {
            outcome = .refused("\(path) not reloaded, nothing changed: \(Self.oneLine(error))")
        }
        switch outcome {
        case .reloaded(let text):
            logger.info("configuration reloaded", metadata: ["file": "\(path)", "changes": "\(text)"])
            notices.post(WireNotice(source: "configuration", level: .notice, text: "\(path) reloaded: \(text)"), always: true)
        case .refused(let text):
            logger.error("configuration not reloaded", metadata: ["file": "\(path)", "error": "\(text)", "note": "the running configuration stays"])
            notices.post(WireNotice(source: "configuration", level: .warning, text: text), always: true)
        }
        return outcome
    }

    /// Reads, checks and applies the file; what changed, in a few words.
    private func apply() async throws -> String {
        let file = try Config.load(path)
        let (serve, tables) = try Serve.configured(by: file)
        let configuration = try DaemonLauncher.gateConfiguration(serve.gate, listenerTables: tables, systemd: systemd)
        let order = Self.keys(of: configuration.listeners)
        let wanted = Dictionary(uniqueKeysWithValues: zip(order, configuration.listeners))
        let kept = Dictionary(uniqueKeysWithValues: listeners.compactMap { address, id in wanted[address].map { (id, $0) } })
        let added = order.filter { listeners[$0] == nil }
        let closed = listeners.filter { wanted[$0.key] == nil }
        let change = GateReconfiguration(
            provider: configuration.provider, kept: kept, added: added.compactMap { wanted[$0] }, closed: Array(closed.values),
            listenerRuleSets: configuration.listenerRuleSets)
        let bound: [(ListenerID, Endpoint)]
        do {
            bound = try await gate.reconfigure(change)
        } catch {
            throw CommandFailure(error.description, code: .runtime)
        }
        for (address, (id, _)) in zip(added, bound) { listeners[address] = id }
        for address in closed.keys { listeners[address] = nil }
        if serve.gate.rules != nil || rules.file != nil { rules.use(serve.gate.rules, rules: configuration.rules) }
        let newSettings = Self.settings(of: file)
        let changedKeys = Set(newSettings.keys).union(settings.keys).filter { newSettings[$0] != settings[$0] }.sorted()
        settings = newSettings
        return Self.summary(
            added: zip(added, bound).map { "\($1.1)" }, closed: closed.values.sorted().map { gate.listenerNames[$0] },
            applied: changedKeys.filter(Self.reloadable.contains), restartOnly: changedKeys.filter { !Self.reloadable.contains($0) })
    }

    /// The top-level keys a reload puts in force; the others take effect when usher starts again.
    static let reloadable: Set<String> = [
        "listen", "backlog", "policy", "pending_timeout", "timeout_action", "max_pending", "max_connections", "overflow",
        "half_close", "reject_mode", "reject_message", "proxy_protocol_from", "rules",
    ]

    /// Each listener's address as configured; the second and later listeners on the same
    /// address (port 0, a port the system picks) get `#2`, `#3`… by their order.
    private static func keys(of listeners: [ListenerConfiguration]) -> [String] {
        var seen: [String: Int] = [:]
        return listeners.map { listener in
            let address = listener.endpoint.description
            seen[address, default: 0] += 1
            return seen[address] == 1 ? address : "\(address)#\(seen[address] ?? 0)"
        }
    }

    private static func settings(of file: ConfigurationFile) -> [String: [String]] {
        Dictionary(file.settings.map { ($0.key, ConfigurationLoader<Serve>.arguments(for: $0)) }) { _, last in last }
    }

    private static func summary(added: [String], closed: [String], applied: [String], restartOnly: [String]) -> String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("listening on \(added.joined(separator: ", "))") }
        if !closed.isEmpty { parts.append("stopped listening on \(closed.joined(separator: ", ")) (what they hold finishes)") }
        if !applied.isEmpty { parts.append("\(applied.joined(separator: ", ")) in force for new requests") }
        if !restartOnly.isEmpty { parts.append("\(restartOnly.joined(separator: ", ")) changed: in force once usher starts again") }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }

    private static func oneLine(_ error: any Error) -> String {
        let text = (error as? CommandFailure)?.message ?? Serve.message(for: error)
        return text.split(separator: "\n").joined(separator: "; ")
    }
}
