/// How long a proxied pair may go without bytes from one side before it is closed, as HAProxy's
/// `timeout client`, `timeout server`, `timeout client-fin` and `timeout server-fin` bound it.
///
/// A side is *quiet* while nothing is read from it. While the relay still sends to that side, its
/// `idle` limit applies (none by default: a quiet connection may be quiet); once the relay has
/// finished sending to it (the other side ended its stream, and the end was passed on), its `fin`
/// limit applies: a peer that was told everything and neither answers nor closes holds two
/// descriptors for nothing.
public struct RelayTimeouts: Hashable, Sendable {
    /// The client quiet while it is still sent to (`--client-timeout`).
    public var clientIdle: Duration?
    /// The upstream quiet while it is still sent to (`--server-timeout`).
    public var upstreamIdle: Duration?
    /// The client quiet after the upstream's end was passed to it (`--client-fin-timeout`).
    public var clientFin: Duration?
    /// The upstream quiet after the client's end was passed to it (`--server-fin-timeout`).
    public var upstreamFin: Duration?

    public init(clientIdle: Duration? = nil, upstreamIdle: Duration? = nil, clientFin: Duration? = nil, upstreamFin: Duration? = nil) {
        self.clientIdle = clientIdle
        self.upstreamIdle = upstreamIdle
        self.clientFin = clientFin
        self.upstreamFin = upstreamFin
    }

    /// No limit at all.
    public static let none = RelayTimeouts()

    /// The limit on `side` being quiet: its fin limit once the relay finished sending to it
    /// (or its idle limit, when shorter or without one), else its idle limit.
    func limit(for side: Relay.Side, finishedSendingTo finished: Bool) -> Duration? {
        let idle = side == .client ? clientIdle : upstreamIdle
        guard finished else { return idle }
        let fin = side == .client ? clientFin : upstreamFin
        switch (fin, idle) {
        case (let fin?, let idle?): return min(fin, idle)
        case (let fin?, nil): return fin
        case (nil, let idle): return idle
        }
    }
}
