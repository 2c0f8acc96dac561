import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A proxied pair on an ``EventLoop``: the client's and the upstream's sockets, each registered
/// once, bytes copied both ways through two bounded buffers (``RelayDirection``), with
/// backpressure and a half-close in each direction. A direction whose read fills its buffer
/// (a large transfer) trades it, once empty, for a larger one: fewer reads and writes. (Moving
/// the bytes through a pipe with `splice` instead was measured slower on Linux 6.18: 1 MiB
/// responses 0.75-0.85× the large buffer's rate, side by side.) When both directions are over
/// the two sockets are closed; when one side fails (reset, broken pipe), the other is reset, as
/// the peer of a reset expects.
///
/// Lives on its loop's thread.
public final class Relay: ReadinessHandler, Swept {
    public enum Side: Int, Hashable, Sendable {
        case client = 0
        case upstream = 1
    }

    /// A set of sides (no allocation, unlike a `Set`).
    public struct Sides: OptionSet, Hashable, Sendable, Codable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let client = Sides(rawValue: 1)
        public static let upstream = Sides(rawValue: 2)
        public static let both: Sides = [.client, .upstream]
    }

    /// How a relay ended.
    public enum Ending: Hashable, Sendable {
        /// Both sides sent everything and ended their streams.
        case finished
        /// `side` failed with this `errno`; the other side was reset.
        case failed(Side, Int32)
        /// `side` was quiet for longer than its limit (``RelayTimeouts``); both were closed.
        case timedOut(Side)
    }

    /// Bytes copied each way.
    public struct Totals: Hashable, Sendable, Codable {
        public var toUpstream = 0
        public var toClient = 0

        public init(toUpstream: Int = 0, toClient: Int = 0) {
            self.toUpstream = toUpstream
            self.toClient = toClient
        }
    }

    /// A proxied pair between two ushers on a restart: its sockets, the bytes read and not yet
    /// written each way, the sides whose stream ended, the sides whose write side was shut down.
    public struct HandedOverPair: Sendable {
        public var client: Int32
        public var upstream: Int32
        public var toUpstream: [UInt8]
        public var toClient: [UInt8]
        public var sourcesEnded: Sides
        public var sinksShutDown: Sides
        public var totals: Totals

        public init(
            client: Int32, upstream: Int32, toUpstream: [UInt8], toClient: [UInt8], sourcesEnded: Sides, sinksShutDown: Sides, totals: Totals
        ) {
            self.client = client
            self.upstream = upstream
            self.toUpstream = toUpstream
            self.toClient = toClient
            self.sourcesEnded = sourcesEnded
            self.sinksShutDown = sinksShutDown
            self.totals = totals
        }
    }

    private let loop: EventLoop
    private let pool: BufferPool
    // Two of each, inline in the relay (no array to allocate per connection).
    private let descriptors: InlineArray<2, Int32>
    /// `directions[0]`: client → upstream; `directions[1]`: upstream → client.
    private var directions: InlineArray<2, RelayDirection>
    private var buffers: InlineArray<2, UnsafeMutableRawBufferPointer>
    public private(set) var totals: Totals
    private var ended = false
    private let onEnd: (Ending, Totals) -> Void
    private let timeouts: RelayTimeouts
    /// The quiet watch (the loop's sweep): per side the bytes read from it, those at the last
    /// look, and since when that count has not moved.
    public var sweepSlot: Int?
    private var readCounts: InlineArray<2, Int> = [0, 0]
    private var lastCounts: InlineArray<2, Int> = [-1, -1]
    private var quietSince: InlineArray<2, ContinuousClock.Instant?> = [nil, nil]

    /// Starts relaying between two connected, non-blocking sockets it then owns (registered
    /// with the loop or not).
    ///
    /// `replaying` (at most the pool's buffer size) goes to the upstream first: the bytes the
    /// client sent while its request was pending. With `clientFinishedSending`, the client had
    /// already half-closed: the upstream's write side is shut down after them.
    ///
    /// `readable` says which sides may have bytes to read: a side its previous owner read until
    /// it would block is not read again before the loop reports new bytes. `ending` says which
    /// sides the loop has reported to be ending (`EPOLLRDHUP`): they are read to their end.
    public convenience init(
        client: Int32, upstream: Int32, loop: EventLoop, pool: BufferPool, replaying: ArraySlice<UInt8> = [],
        clientFinishedSending: Bool = false, readable: Sides = .both, ending: Sides = [], timeouts: RelayTimeouts = .none,
        onEnd: @escaping (Ending, Totals) -> Void
    ) throws(DataPlaneError) {
        let pair = HandedOverPair(
            client: client, upstream: upstream, toUpstream: Array(replaying.prefix(pool.size)), toClient: [],
            sourcesEnded: clientFinishedSending ? .client : [], sinksShutDown: [], totals: Totals())
        try self.init(pair, loop: loop, pool: pool, readable: readable, ending: ending, timeouts: timeouts, onEnd: onEnd)
    }

    /// Goes on relaying a pair another usher carried until now (``handOver()``): the bytes it
    /// had read and not written yet go first, each direction's end as it was.
    public init(
        _ pair: HandedOverPair, loop: EventLoop, pool: BufferPool, readable: Sides = .both, ending: Sides = [],
        timeouts: RelayTimeouts = .none, onEnd: @escaping (Ending, Totals) -> Void
    ) throws(DataPlaneError) {
        self.loop = loop
        self.pool = pool
        self.timeouts = timeouts
        self.descriptors = [pair.client, pair.upstream]
        self.totals = pair.totals
        let pending: InlineArray<2, [UInt8]> = [pair.toUpstream, pair.toClient]
        var buffers: InlineArray<2, UnsafeMutableRawBufferPointer> = [pool.take(), pool.take()]
        var directions: InlineArray<2, RelayDirection> = [RelayDirection(capacity: pool.size), RelayDirection(capacity: pool.size)]
        for index in 0..<2 {
            let bytes = pending[index].prefix(pool.largeSize)
            if bytes.count > pool.size {
                pool.give(buffers[index])
                buffers[index] = pool.takeLarge()
            }
            if let base = buffers[index].baseAddress, !bytes.isEmpty {
                bytes.withUnsafeBytes { source in
                    if let from = source.baseAddress { base.copyMemory(from: from, byteCount: bytes.count) }
                }
            }
            let side: Sides = index == 0 ? .client : .upstream
            directions[index] = RelayDirection(
                capacity: buffers[index].count, preloaded: bytes.count, sourceEnded: pair.sourcesEnded.contains(side))
            if pair.sinksShutDown.contains(index == 0 ? .upstream : .client) { directions[index].didShutDownSink() }
            if !readable.contains(side) { directions[index].sourceWouldBlock() }
            directions[index].sourceClosing = ending.contains(side)
        }
        self.buffers = buffers
        self.directions = directions
        self.onEnd = onEnd
        do {
            // Sockets already watched (a connected upstream, a held client) keep their registration.
            for side in 0..<2 where !loop.adopt(descriptors[side], tag: side, handler: self) {
                try loop.register(descriptors[side], tag: side, handler: self)
            }
        } catch {
            end(.failed(.client, error.code))
            throw error
        }
        pump()
        watchQuiet()
    }

    /// Stops carrying the pair without closing it, for the next usher to go on with
    /// (``init(_:loop:pool:readable:ending:timeouts:onEnd:)``): its sockets, the bytes read and
    /// not yet written each way, which sides ended. `nil` once it ended. Its end is not reported.
    public func handOver() -> HandedOverPair? {
        guard !ended else { return nil }
        ended = true
        loop.deregister(descriptors[0])
        loop.deregister(descriptors[1])
        var pending: [[UInt8]] = [[], []]
        var sourcesEnded: Sides = []
        var sinksShutDown: Sides = []
        for index in 0..<2 {
            let direction = directions[index]
            if direction.buffered > 0, let base = buffers[index].baseAddress {
                pending[index] = Array(UnsafeRawBufferPointer(start: base + direction.start, count: direction.buffered))
            }
            if direction.sourceEnded { sourcesEnded.insert(index == 0 ? .client : .upstream) }
            if direction.sinkShutDown { sinksShutDown.insert(index == 0 ? .upstream : .client) }
        }
        if sweepSlot != nil { loop.stopSweeping(self) }
        pool.give(buffers[0])
        pool.give(buffers[1])
        return HandedOverPair(
            client: descriptors[0], upstream: descriptors[1], toUpstream: pending[0], toClient: pending[1],
            sourcesEnded: sourcesEnded, sinksShutDown: sinksShutDown, totals: totals)
    }

    public func ready(_ events: UInt32, tag: Int) {
        guard !ended, let side = Side(rawValue: tag) else { return }
        if events & usher_epollerr != 0 {
            return fail(side, Socket.pendingError(descriptors[side.rawValue]))
        }
        let readable = usher_epollin | usher_epollrdhup | usher_epollhup
        // The direction whose source is `side`, and the one whose sink is.
        if events & readable != 0 { directions[side.rawValue].sourceReadable = true }
        if events & (usher_epollrdhup | usher_epollhup) != 0 { directions[side.rawValue].sourceClosing = true }
        if events & (usher_epollout | usher_epollhup) != 0 { directions[1 - side.rawValue].sinkWritable = true }
        pump()
    }

    /// Takes steps in both directions until neither can go on.
    private func pump() {
        var progressed = true
        while progressed, !ended {
            progressed = false
            for index in 0..<2 where !ended {
                while !ended, step(index) { progressed = true }
            }
        }
        if !ended, directions[0].next() == .finished, directions[1].next() == .finished { end(.finished) }
    }

    /// One step of direction `index` (its source is side `index`, its sink the other);
    /// `false` when it has to wait or is over.
    private func step(_ index: Int) -> Bool {
        let source = descriptors[index], sink = descriptors[1 - index]
        switch directions[index].next() {
        case .read(let range):
            switch Socket.read(source, into: buffers[index], range) {
            case .done(let count):
                directions[index].didRead(count)
                readCounts[index] &+= count
            case .wouldBlock: directions[index].sourceWouldBlock()
            case .ended: directions[index].sourceDidEnd()
            case .failed(let code): fail(Side(rawValue: index) ?? .client, code)
            }
            return true
        case .write(let range):
            switch Socket.write(sink, from: UnsafeRawBufferPointer(buffers[index]), range) {
            case .done(let count):
                directions[index].didWrite(count)
                if index == 0 { totals.toUpstream += count } else { totals.toClient += count }
                if directions[index].wantsLargerBuffer, directions[index].buffered == 0 { grow(index) }
            case .wouldBlock, .ended: directions[index].sinkWouldBlock()
            case .failed(let code): fail(Side(rawValue: 1 - index) ?? .client, code)
            }
            return true
        case .shutDownSink:
            // The last direction to end needs no half-close: closing both sockets sends it.
            if directions[1 - index].next() != .finished { Socket.shutDownWriting(sink) }
            directions[index].didShutDownSink()
            if timeouts != .none {
                // The sink's fin limit counts from the end passed to it (as of the next look).
                lastCounts[1 - index] = -1
                watchQuiet()
            }
            return true
        case .wait, .finished:
            return false
        }
    }

    // MARK: Quiet sides

    /// The limit on each side being quiet now (`nil`: none).
    private func quietLimit(_ side: Side) -> Duration? {
        guard directions[side.rawValue].next() != .finished else { return nil }
        return timeouts.limit(for: side, finishedSendingTo: directions[1 - side.rawValue].next() == .finished)
    }

    /// Asks the loop to look at the sides while one has a limit (none by default: then no look
    /// at all), and stops asking when none has.
    private func watchQuiet() {
        guard !ended, timeouts != .none else { return }
        if quietLimit(.client) != nil || quietLimit(.upstream) != nil {
            loop.startSweeping(self)
        } else {
            loop.stopSweeping(self)
        }
    }

    /// A look: a side whose count of bytes read has not moved since its limit ago is closed.
    /// (A side's quiet time counts from the look that saw its last bytes: it is closed between
    /// its limit and two sweep intervals after it.)
    public func sweep(now: ContinuousClock.Instant) {
        guard !ended else { return loop.stopSweeping(self) }
        for index in 0..<2 {
            let side = Side(rawValue: index) ?? .client
            if readCounts[index] != lastCounts[index] {
                lastCounts[index] = readCounts[index]
                quietSince[index] = now
            } else if let since = quietSince[index], let limit = quietLimit(side), now - since >= limit {
                return timeOut(side)
            }
        }
    }

    private func timeOut(_ side: Side) {
        end(.timedOut(side))
    }

    /// A direction whose read filled its buffer (a large transfer) moves, once it is empty, to
    /// a large buffer, and stays with that one.
    private func grow(_ index: Int) {
        guard buffers[index].count < pool.largeSize else { return }
        let large = pool.takeLarge()
        guard directions[index].resize(to: large.count) else { return pool.give(large) }
        pool.give(buffers[index])
        buffers[index] = large
    }

    /// Ends the relay now, resetting both sides (a drain that ran out of time).
    public func abort() {
        guard !ended else { return }
        ended = true
        loop.reset(descriptors[0])
        loop.reset(descriptors[1])
        finish(.failed(.client, ECONNABORTED))
    }

    private func fail(_ side: Side, _ code: Int32) {
        end(.failed(side, code))
    }

    private func end(_ ending: Ending) {
        guard !ended else { return }
        ended = true
        switch ending {
        case .finished, .timedOut:
            loop.close(descriptors[0])
            loop.close(descriptors[1])
        case .failed(let side, _):
            loop.close(descriptors[side.rawValue])
            loop.reset(descriptors[1 - side.rawValue])
        }
        finish(ending)
    }

    /// The buffers back to the pool, and the end reported (the sockets are closed).
    private func finish(_ ending: Ending) {
        if sweepSlot != nil { loop.stopSweeping(self) }
        pool.give(buffers[0])
        pool.give(buffers[1])
        onEnd(ending, totals)
    }
}
