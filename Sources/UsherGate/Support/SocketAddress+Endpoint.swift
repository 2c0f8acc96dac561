import NIOCore
import UsherCore

extension Endpoint {
    /// The endpoint of a socket address (`nil` for Unix sockets).
    public init?(_ address: SocketAddress?) {
        guard let address, let host = address.ipAddress, let port = address.port else { return nil }
        self.init(host: host, port: port)
    }

    /// Resolves the host (names through the system resolver).
    func resolved(role: String) throws(GateError) -> SocketAddress {
        do {
            return try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            throw .cannotResolve(self, role: role, reason: ErrorText.describe(error))
        }
    }
}

extension Moment {
    /// The moment as a SwiftNIO deadline (both count on `CLOCK_MONOTONIC`).
    var deadline: NIODeadline { .uptimeNanoseconds(nanoseconds) }
}

extension Duration {
    /// The duration as SwiftNIO's `TimeAmount`.
    package var timeAmount: TimeAmount { .nanoseconds(nanosecondsClamped) }
}
