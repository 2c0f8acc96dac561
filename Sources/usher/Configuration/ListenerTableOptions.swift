import ArgumentParser
import UsherCore

/// The keys of a `[[listener]]` table, parsed as the options they are named after.
struct ListenerTableOptions: ParsableArguments {
    @Option(transform: ArgumentParsing.endpoint) var listen: [Endpoint] = []
    @Option(transform: ArgumentParsing.endpoint) var upstream: Endpoint?
    @Option var backlog: Int?
    @Option var policy: Policy?
    @Option var pendingTimeout: String?
    @Option var timeoutAction: TimeoutAction?
    @Option var maxPending: Int?
    @Option var rejectMode: RejectMode?
    @Option(transform: ArgumentParsing.escapedText) var rejectMessage: [UInt8]?
    @Option var rules: String?

    /// The keys a `[[listener]]` table may hold.
    static let keys = ["listen", "upstream", "backlog", "policy", "pending_timeout", "timeout_action", "max_pending", "reject_mode", "reject_message", "rules"]

    mutating func validate() throws {
        guard !listen.isEmpty else { throw ValidationError("a [[listener]] needs listen: one address or a list, e.g. listen = [\"127.0.0.1:8080\"]") }
        if let maxPending, maxPending < 1 { throw ValidationError("max_pending must be at least 1, got \(maxPending)") }
        if let pendingTimeout { _ = try ArgumentParsing.optionalDuration(pendingTimeout) }
        if rejectMode == .reset, rejectMessage != nil {
            throw ValidationError("reject_message cannot be sent with reject_mode = \"reset\"")
        }
    }

    /// One listener per `listen` address, each with the table's settings.
    func listeners(defaultRejection: Rejection) throws -> [ListenerConfiguration] {
        var overrides = ListenerOverrides(policy: policy, timeoutAction: timeoutAction, maxPending: maxPending)
        if let pendingTimeout { overrides.pendingTimeout = .some(try ArgumentParsing.optionalDuration(pendingTimeout)) }
        if rejectMode != nil || rejectMessage != nil {
            overrides.defaultRejection = Rejection(
                mode: rejectMode ?? defaultRejection.mode, message: rejectMessage ?? (rejectMode == .reset ? [] : defaultRejection.message))
        }
        return listen.map { endpoint in
            var listener = ListenerConfiguration(endpoint: endpoint, backlog: backlog, overrides: overrides, upstream: upstream)
            listener.rulesFile = rules
            return listener
        }
    }
}
