import CEpoll
import UsherCore
#if canImport(Glibc)
import Glibc
#endif

/// One client connection on a loop while its request waits, then the decision carried out.
///
/// Holding, it reads what the client sends and keeps up to `captureLimit` bytes for the
/// upstream (reporting each new byte), then stops reading: the kernel's window holds the rest.
/// A half-close by the client is reported; a reset or hang-up means the client is gone. An
/// idle held client costs its socket and this object, nothing more: caller data is kept only
/// once it arrives, reads go through the pool's shared scratch buffer.
///
/// Accepted, it connects to the upstream and becomes half of a ``Relay`` that replays the kept
/// bytes first. Rejected, it writes the reply and ends in order (half-close, then whatever the
/// client still sends is drained until it closes or the linger passes), or resets.
public final class HeldClient: ReadinessHandler {
    /// What a held client tells the one that holds it, on the loop.
    public struct Events {
        /// New caller data (each byte once, up to the capture limit).
        public var received: (ArraySlice<UInt8>) -> Void
        /// The client half-closed: it has sent everything.
        public var finishedSending: () -> Void
        /// The upstream is connected; the relay starts.
        public var upstreamConnected: () -> Void
        /// The upstream could not be reached; the client is still held.
        public var upstreamFailed: (DataPlaneError) -> Void
        /// The connection is over, its socket closed: the client left, a rejection was carried
        /// out, or the relay ended (with how and the bytes each way).
        public var closed: ((Relay.Ending, Relay.Totals)?) -> Void

        public init(
            received: @escaping (ArraySlice<UInt8>) -> Void, finishedSending: @escaping () -> Void,
            upstreamConnected: @escaping () -> Void, upstreamFailed: @escaping (DataPlaneError) -> Void,
            closed: @escaping ((Relay.Ending, Relay.Totals)?) -> Void
        ) {
            self.received = received
            self.finishedSending = finishedSending
            self.upstreamConnected = upstreamConnected
            self.upstreamFailed = upstreamFailed
            self.closed = closed
        }
    }

    private enum Phase {
        case holding, connecting, relaying
        /// The reply not yet written, and how long to drain after it (nil: close once written).
        case rejecting(reply: ArraySlice<UInt8>, linger: Duration?)
        case draining
        case closed
    }

    public let descriptor: Int32
    private let loop: EventLoop
    private let pool: BufferPool
    private let captureLimit: Int
    private var events: Events
    private var phase = Phase.holding
    /// The bytes kept for the upstream.
    public private(set) var captured: [UInt8] = []
    /// How many of them the one holding it has seen (a stripped header lowers it).
    private var reported = 0
    /// Where the kept bytes start (after a stripped PROXY header).
    private var keptFrom = 0
    public private(set) var clientFinishedSending = false
    /// A read returned the end of the stream (a half-close seen while the capture was full
    /// leaves bytes unread: the relay reads them, then the end).
    private var readTheEnd = false
    private var readable = true
    /// The loop reported the client's end on its way: read until a read returns 0.
    private var endComing = false
    private var writable = true
    private var lingerTimer: EventLoop.TimerID?
    private var relay: Relay?
    private var relayTimeouts = RelayTimeouts.none

    /// A held client between two ushers on a restart: its socket, the bytes kept for the
    /// upstream (the next usher's core has them as caller data already), whether it finished
    /// sending.
    public struct HandedOver: Sendable {
        public var descriptor: Int32
        public var captured: [UInt8]
        public var clientFinishedSending: Bool
        /// A read returned the end of its stream.
        public var readTheEnd: Bool

        public init(descriptor: Int32, captured: [UInt8], clientFinishedSending: Bool, readTheEnd: Bool) {
            self.descriptor = descriptor
            self.captured = captured
            self.clientFinishedSending = clientFinishedSending
            self.readTheEnd = readTheEnd
        }
    }

    /// Holds the accepted, non-blocking `descriptor` on `loop`.
    public convenience init(
        _ descriptor: Int32, loop: EventLoop, pool: BufferPool, captureLimit: Int = CallerData.capacity, events: Events
    ) throws(DataPlaneError) {
        try self.init(
            HandedOver(descriptor: descriptor, captured: [], clientFinishedSending: false, readTheEnd: false),
            loop: loop, pool: pool, captureLimit: captureLimit, events: events)
    }

    /// Goes on holding a client another usher held until now (``handOver()``); the bytes it kept
    /// are not reported again.
    public init(
        _ client: HandedOver, loop: EventLoop, pool: BufferPool, captureLimit: Int = CallerData.capacity, events: Events
    ) throws(DataPlaneError) {
        self.descriptor = client.descriptor
        self.loop = loop
        self.pool = pool
        self.captureLimit = max(0, min(captureLimit, pool.size))
        self.events = events
        self.captured = client.captured
        self.reported = client.captured.count
        self.clientFinishedSending = client.clientFinishedSending
        self.readTheEnd = client.readTheEnd
        try loop.register(descriptor, handler: self)
        readWhileHolding()
    }

    /// `true` while held or relaying: what ``handOver()`` and ``handOverRelay()`` take.
    public var canHandOver: Bool {
        switch phase {
        case .holding, .relaying: true
        default: false
        }
    }

    /// Stops holding the client without closing it, for the next usher to go on with; `nil`
    /// unless it is held (connecting, relaying, rejecting: those are not handed over). Its end is
    /// not reported.
    public func handOver() -> HandedOver? {
        guard case .holding = phase else { return nil }
        phase = .closed
        loop.deregister(descriptor)
        defer { captured = [] }
        return HandedOver(
            descriptor: descriptor, captured: Array(captured[keptFrom...]), clientFinishedSending: clientFinishedSending, readTheEnd: readTheEnd)
    }

    /// Stops relaying without closing either socket, for the next usher; `nil` unless relaying.
    public func handOverRelay() -> Relay.HandedOverPair? {
        guard case .relaying = phase, let relay else { return nil }
        phase = .closed
        self.relay = nil
        return relay.handOver()
    }

    /// Goes on relaying a pair another usher carried (the client is this one's descriptor).
    public init(
        relaying pair: Relay.HandedOverPair, loop: EventLoop, pool: BufferPool, timeouts: RelayTimeouts, events: Events
    ) throws(DataPlaneError) {
        self.descriptor = pair.client
        self.loop = loop
        self.pool = pool
        self.captureLimit = 0
        self.events = events
        self.phase = .relaying
        self.relayTimeouts = timeouts
        relay = try Relay(pair, loop: loop, pool: pool, timeouts: timeouts) { [unowned self] ending, totals in relayEnded(ending, totals) }
    }

    public func ready(_ flags: UInt32, tag: Int) {
        if flags & usher_epollerr != 0 || flags & usher_epollhup != 0 {
            guard case .relaying = phase else { return end() }
        }
        if flags & (usher_epollin | usher_epollrdhup) != 0 { readable = true }
        if flags & usher_epollrdhup != 0 { endComing = true }
        if flags & usher_epollout != 0 { writable = true }
        switch phase {
        case .holding, .connecting:
            readWhileHolding()
            if flags & usher_epollrdhup != 0, captured.count - keptFrom >= captureLimit { clientEnded() }
        case .rejecting: writeReply()
        case .draining: drain()
        case .relaying, .closed: break
        }
    }

    // MARK: Holding

    private func readWhileHolding() {
        let scratch = pool.scratch
        while readable, !readTheEnd, captured.count - keptFrom < captureLimit {
            let room = min(scratch.count, captureLimit - (captured.count - keptFrom))
            switch Socket.read(descriptor, into: scratch, 0..<room) {
            case .done(let count):
                captured.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                // A short read emptied the socket; the loop reports the next bytes.
                if count < room, !endComing { readable = false }
                reportNew()
            case .wouldBlock: readable = false
            case .ended:
                readTheEnd = true
                clientEnded()
            case .failed: return end()
            }
        }
    }

    private func reportNew() {
        let unseen = captured[(keptFrom + reported)...]
        guard !unseen.isEmpty else { return }
        reported += unseen.count
        events.received(unseen)
    }

    private func clientEnded() {
        guard !clientFinishedSending else { return }
        clientFinishedSending = true
        events.finishedSending()
    }

    /// Drops the first `length` kept bytes (a trusted proxy's header, not for the upstream);
    /// bytes kept after them that were not reported yet are reported now.
    public func stripHeader(_ length: Int) {
        guard case .holding = phase else { return }
        let stripped = min(length, captured.count - keptFrom, reported)
        keptFrom += stripped
        reported -= stripped
        reportNew()
    }

    // MARK: Accepting

    /// Connects to `upstream`; once connected, relays with the kept bytes first, closing the pair
    /// when a side is quiet for longer than `timeouts` allow.
    public func connect(to upstream: SocketAddress, timeout: Duration, timeouts: RelayTimeouts = .none) {
        guard case .holding = phase else { return }
        phase = .connecting
        relayTimeouts = timeouts
        Connector(to: upstream, timeout: timeout, loop: loop) { [self] result in
            switch result {
            case .failure(let error):
                guard case .connecting = phase else { return }
                phase = .holding
                events.upstreamFailed(error)
            case .success(let upstream):
                guard case .connecting = phase else { return loop.close(upstream.descriptor) }
                startRelay(upstream)
            }
        }
    }

    private func startRelay(_ upstream: Connector.Connected) {
        phase = .relaying
        events.upstreamConnected()
        var readable: Relay.Sides = self.readable ? [.client] : []
        var ending: Relay.Sides = endComing ? [.client] : []
        if upstream.readable { readable.insert(.upstream) }
        if upstream.events & usher_epollrdhup != 0 { ending.insert(.upstream) }
        do {
            relay = try Relay(
                client: descriptor, upstream: upstream.descriptor, loop: loop, pool: pool, replaying: captured[keptFrom...],
                clientFinishedSending: readTheEnd, readable: readable, ending: ending, timeouts: relayTimeouts
            ) { [self] ending, totals in relayEnded(ending, totals) }
            captured = []
        } catch {
            phase = .closed
            events.closed((.failed(.upstream, error.code), Relay.Totals()))
        }
    }

    /// The relay's end (it holds only this client, so its closure needs no context of its own).
    private func relayEnded(_ ending: Relay.Ending, _ totals: Relay.Totals) {
        phase = .closed
        relay = nil
        events.closed((ending, totals))
    }

    // MARK: Rejecting

    /// Carries out a rejection: the reply then an orderly end, or a reset. `linger` bounds the
    /// drain after the reply; a client that finished sending is closed once the reply is out.
    public func reject(_ rejection: Rejection, linger: Duration) {
        switch phase {
        case .holding, .connecting: break
        default: return
        }
        captured = []
        switch rejection.mode {
        case .reset:
            loop.reset(descriptor)
            phase = .closed
            events.closed(nil)
        case .close:
            phase = .rejecting(reply: rejection.message[...], linger: readTheEnd ? nil : linger)
            writeReply()
        }
    }

    private func writeReply() {
        guard case .rejecting(var reply, let linger) = phase else { return }
        while !reply.isEmpty, writable {
            let result = reply.withUnsafeBytes { Socket.write(descriptor, from: $0, 0..<$0.count) }
            switch result {
            case .done(let written): reply = reply.dropFirst(written)
            case .wouldBlock, .ended: writable = false
            case .failed: return end()
            }
        }
        guard reply.isEmpty else {
            phase = .rejecting(reply: reply, linger: linger)
            return
        }
        guard let linger else { return end() }
        Socket.shutDownWriting(descriptor)
        phase = .draining
        lingerTimer = loop.schedule(in: linger) { [weak self] in self?.end() }
        drain()
    }

    /// Reads and drops what the client still sends, until it closes: closing with unread bytes
    /// would reset the connection and could destroy the reply before the client reads it.
    private func drain() {
        let scratch = pool.scratch
        while readable {
            switch Socket.read(descriptor, into: scratch, 0..<scratch.count) {
            case .done: continue
            case .wouldBlock: readable = false
            case .ended, .failed: return end()
            }
        }
    }

    // MARK: Ending

    /// Closes the held connection (the client left, or a `close` action).
    public func close() {
        switch phase {
        case .relaying, .closed: return
        default: end()
        }
    }

    /// Ends the connection now whatever it is doing: a relay is reset on both sides.
    public func abort() {
        if case .relaying = phase, let relay { return relay.abort() }
        end()
    }

    private func end() {
        if case .closed = phase { return }
        if case .relaying = phase { return }
        phase = .closed
        if let lingerTimer { loop.cancel(lingerTimer) }
        loop.close(descriptor)
        captured = []
        events.closed(nil)
    }
}
