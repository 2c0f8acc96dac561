import Logging
import UsherCore
import UsherGate

/// The metadata of the `ready` line: what is gated, where it goes, and how it is decided.
enum ReadyLine {
    static func metadata(for gate: Gate, control: String) -> Logger.Metadata {
        let provider = gate.configuration.provider
        let listeners = gate.listenerAddresses.map { address in Endpoint(address)?.description ?? "\(address)" }
        let upstreamEndpoint = Endpoint(gate.upstreamAddress)?.description ?? "\(gate.upstreamAddress)"
        let upstream = gate.configuration.upstream == nil ? "demo \(upstreamEndpoint)" : upstreamEndpoint
        return [
            "listeners": "\(listeners.joined(separator: ","))",
            "upstream": "\(upstream)",
            "policy": "\(provider.policy.rawValue)",
            "pending_timeout": "\(provider.pendingTimeout.map(DurationText.format) ?? "none")",
            "timeout_action": "\(provider.timeoutAction.rawValue)",
            "max_pending": "\(provider.maxPending)",
            "max_connections": "\(provider.maxConnections.map(String.init) ?? "unlimited")",
            "overflow": "\(provider.overflow.rawValue)",
            "control": "\(control)",
        ].merging(guarding(gate)) { $1 }
    }

    /// `guarding=*:6379 queue=20001 chain=usher-guard-4242` when ports are guarded beside the listeners.
    private static func guarding(_ gate: Gate) -> Logger.Metadata {
        guard let guarded = gate.configuration.guarded, let firewall = gate.guardFirewall else { return [:] }
        return [
            "guarding": "\(guarded.listeners.map(\.endpoint.description).joined(separator: ","))",
            "chain": "\(firewall.chain)",
        ]
    }
}
