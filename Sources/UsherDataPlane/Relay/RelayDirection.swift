/// One direction of a proxied pair, as a state machine with no IO: bytes read from the source
/// wait in a bounded buffer until they are written to the sink. It says what to do next
/// (``next()``); the IO layer does it and reports the result.
///
/// Backpressure is the bound: a full buffer is not read into until the sink has taken bytes,
/// so a sink that cannot keep up stops the source (the kernel's window then stops the peer).
/// The end of the source becomes a half-close of the sink (`shutdown(SHUT_WR)`) once every
/// byte read has been written, and the other direction goes on.
///
/// Readiness is edge-triggered: a side is taken to be ready until an operation on it would
/// block, and ready again when the loop reports it so.
public struct RelayDirection: Hashable, Sendable {
    /// The buffer's size in bytes.
    public private(set) var capacity: Int
    /// Bytes read and not yet written: `start..<end` of the buffer.
    public private(set) var start = 0
    public private(set) var end = 0
    /// The source may have bytes (or its end) to read.
    public var sourceReadable = true
    /// The sink may take bytes.
    public var sinkWritable = true
    /// The loop reported that the source's end is on its way (`EPOLLRDHUP`): it is read until
    /// a read returns 0, even after a short read.
    public var sourceClosing = false
    /// The source has ended (a read returned 0).
    public private(set) var sourceEnded = false
    /// A read filled the whole buffer since the last ``resize(to:)``: a larger one would take
    /// fewer reads and writes.
    public private(set) var wantsLargerBuffer = false
    /// The sink's write side is shut down.
    public private(set) var sinkShutDown = false

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// A direction whose buffer already holds `preloaded` bytes (what the client sent while
    /// its request was pending, for the upstream), and whose source may have ended already.
    public init(capacity: Int, preloaded: Int, sourceEnded: Bool) {
        self.init(capacity: capacity)
        end = min(self.capacity, max(0, preloaded))
        if sourceEnded { sourceDidEnd() }
    }

    /// What the IO layer does next in this direction.
    public enum Step: Hashable, Sendable {
        /// Read from the source into this part of the buffer.
        case read(Range<Int>)
        /// Write this part of the buffer to the sink.
        case write(Range<Int>)
        /// Shut down the sink's write side: the source ended and everything was written.
        case shutDownSink
        /// Nothing until the loop reports readiness.
        case wait
        /// This direction is over.
        case finished
    }

    /// Bytes waiting to be written.
    public var buffered: Int { end - start }

    public func next() -> Step {
        if end > start, sinkWritable { return .write(start..<end) }
        if !sourceEnded, sourceReadable, end < capacity { return .read(end..<capacity) }
        if sourceEnded, end == start, !sinkShutDown { return .shutDownSink }
        if sinkShutDown { return .finished }
        return .wait
    }

    /// `count` bytes were read into the buffer after `end`. Fewer than there was room for means
    /// the socket had no more (edge-triggered, the loop reports the next bytes), unless its end
    /// is coming: then it is read again for the end.
    public mutating func didRead(_ count: Int) {
        let room = capacity - end
        end = min(capacity, end + max(0, count))
        if count < room, !sourceClosing { sourceReadable = false }
        if end == capacity, start == 0 { wantsLargerBuffer = true }
    }

    /// A read returned 0: the source has sent everything it will.
    public mutating func sourceDidEnd() {
        sourceEnded = true
        sourceReadable = false
    }

    /// A read would block.
    public mutating func sourceWouldBlock() {
        sourceReadable = false
    }

    /// `count` bytes from `start` were written; an empty buffer starts over at its beginning.
    public mutating func didWrite(_ count: Int) {
        start = min(end, start + max(0, count))
        if start == end { (start, end) = (0, 0) }
    }

    /// Moves to a buffer of `newCapacity` bytes; only while empty (`false` otherwise).
    @discardableResult
    public mutating func resize(to newCapacity: Int) -> Bool {
        guard buffered == 0, newCapacity > 0 else { return false }
        capacity = newCapacity
        wantsLargerBuffer = false
        return true
    }

    /// A write would block.
    public mutating func sinkWouldBlock() {
        sinkWritable = false
    }

    public mutating func didShutDownSink() {
        sinkShutDown = true
    }
}
