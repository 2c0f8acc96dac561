import OrderedCollections
import UsherWire

/// The host's TCP listeners as the daemon last reported them, each with its depth history
/// (from the snapshot, then one sample per `host` event).
public struct HostListeners: Hashable, Sendable {
    /// Samples of depth kept per listener.
    public static let historyCapacity = 120

    /// The latest report, for its host-wide figures (somaxconn, overflow rates).
    public private(set) var latest: WireHost
    /// By socket ID, in the daemon's order (port, then address).
    public private(set) var listeners: OrderedDictionary<UInt64, WireHostListener>

    /// From a snapshot, whose listeners carry their history.
    public init(_ host: WireHost) {
        latest = host
        listeners = OrderedDictionary(uniqueKeysWithValues: host.listeners.map { listener in
            var listener = listener
            listener.history = Array((listener.history ?? [listener.depth]).suffix(Self.historyCapacity))
            return (listener.id, listener)
        })
    }

    /// A `host` event: the listeners now; each keeps its history with the new depth appended.
    public mutating func update(with host: WireHost) {
        var next: OrderedDictionary<UInt64, WireHostListener> = [:]
        for var listener in host.listeners {
            let history = (listeners[listener.id]?.history ?? []) + [listener.depth]
            listener.history = Array(history.suffix(Self.historyCapacity))
            next[listener.id] = listener
        }
        latest = host
        listeners = next
    }

    /// Listeners whose queue is full.
    public var saturatedCount: Int {
        listeners.values.count { $0.saturated }
    }
}
