import UsherCore

/// Picks pending requests by peer network and listener port: what `usher accept all`,
/// `--peer CIDR` and `--listener PORT` mean.
public struct RequestSelector: Hashable, Sendable {
    /// Only requests whose client address (the original source of a trusted PROXY header)
    /// lies in this network.
    public var peer: AddressPrefix?
    /// Only requests that arrived on a listener with this port.
    public var listenerPort: Int?

    public init(peer: AddressPrefix? = nil, listenerPort: Int? = nil) {
        self.peer = peer
        self.listenerPort = listenerPort
    }

    /// Selects every request.
    public static let all = RequestSelector()

    /// `true` when a request from `peerHost` on a listener with `listenerPort` passes every filter.
    public func matches(peerHost: String, listenerPort port: Int?) -> Bool {
        if let peer, !peer.contains(peerHost) { return false }
        if let listenerPort, port != listenerPort { return false }
        return true
    }

    /// `true` when the request passes every filter given.
    public func matches(_ request: Request, listeners: [ListenerStatus]) -> Bool {
        let port = listeners.first { $0.id == request.listener }?.endpoint.port ?? request.local.port
        return matches(peerHost: request.source, listenerPort: port)
    }

    /// `true` when the request, as a client received it, passes every filter given.
    public func matches(_ request: WireRequest, listeners: [WireListener]) -> Bool {
        let address = listeners.first { $0.id == request.listener }?.address ?? request.local
        return matches(peerHost: request.clientHost, listenerPort: try? Endpoint.parse(address).port)
    }
}
