import UsherCore
import UsherGate

/// One event on the wire: a lifecycle step of a request, a listener pausing or resuming, or a
/// periodic `stats` tick.
///
/// `kind` is one of `arrived`, `outcome`, `deferred`, `undeferred`, `accepted`, `rejected`,
/// `withdrawn`, `expired`, `overflowed` (with `request`), `paused`, `resumed` (with `listener`),
/// `stats` (with `counters` and `listeners`), `host` (with `host`, to subscribers that asked for
/// it).
public struct WireEvent: Hashable, Sendable, Codable {
    /// The gate's event sequence number; `nil` for `stats` ticks, which are not lifecycle events.
    public var seq: UInt64?
    public var kind: String
    public var at: String
    public var request: WireRequest?
    /// For `outcome`: the condition outcome just recorded.
    public var outcome: WireOutcome?
    /// For `deferred`: when the deferral ends.
    public var until: String?
    /// For `rejected`: `close` or `reset`; for `expired`: the timeout action.
    public var mode: String?
    public var action: String?
    /// For `paused` and `resumed`.
    public var listener: WireListener?
    /// For `paused`: `pending_queue` or `connections`.
    public var limit: String?
    public var connections: Int?
    /// For `stats`.
    public var counters: WireCounters?
    public var listeners: [WireListener]?
    /// For `host`: the host's listeners at the latest sample, without history.
    public var host: WireHost?

    public init(seq: UInt64?, kind: String, at: String) {
        self.seq = seq
        self.kind = kind
        self.at = at
    }

    /// The wire form of a gate event; `listeners` gives the current status of the listener of a
    /// `paused`/`resumed` event.
    public init(_ event: GateEvent, listeners: [ListenerStatus], clock: WireClock) {
        switch event.event {
        case .request(let step):
            self.init(seq: event.sequence, kind: step.kind.name, at: clock.text(step.at))
            request = WireRequest(step.request, clock: clock, at: step.at)
            describe(step.kind, of: step.request, clock: clock)
        case .listener(let change):
            let kind = if case .paused = change.kind { "paused" } else { "resumed" }
            self.init(seq: event.sequence, kind: kind, at: clock.text(change.at))
            if let status = listeners.first(where: { $0.id == change.listener }) {
                var wire = WireListener(status)
                wire.pending = change.pending
                listener = wire
            }
            if case .paused(let reason) = change.kind {
                limit = reason == .pendingQueue ? "pending_queue" : "connections"
            }
            connections = change.connections
        }
    }

    private mutating func describe(_ kind: RequestEvent.Kind, of request: Request, clock: WireClock) {
        switch kind {
        case .evaluated: outcome = request.lastOutcome.map { WireOutcome($0, clock: clock) }
        case .deferred(let end): until = clock.text(end)
        case .rejected(let rejectMode): mode = rejectMode.rawValue
        case .expired(let timeoutAction): action = timeoutAction.rawValue
        case .arrived, .callerData, .undeferred, .accepted, .withdrawn, .overflowed: break
        }
    }
}
