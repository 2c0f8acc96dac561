/// Relay buffers of two sizes, reused: a proxied connection takes two of ``size`` and gives
/// them back when it ends, so that the accept path does not allocate once the pool is warm. A
/// direction that fills its buffer in one read (a large transfer) moves to a pipe of
/// ``largeSize`` bytes (``Relay`` splices through it), or, when no pipe can be had, to a buffer
/// of ``largeSize``: fewer, larger reads and writes, while short exchanges keep the small ones.
/// The pool keeps at most ``limit`` idle buffers of each size; more are freed. One pool belongs
/// to one loop (not thread-safe).
public final class BufferPool {
    public let size: Int
    public let largeSize: Int
    public let limit: Int
    private var idle: [UnsafeMutableRawBufferPointer] = []
    private var idleLarge: [UnsafeMutableRawBufferPointer] = []

    public init(size: Int = 64 << 10, largeSize: Int = 256 << 10, limit: Int = 1024) {
        self.size = max(1, size)
        self.largeSize = max(self.size, largeSize)
        self.limit = max(0, limit)
    }

    deinit {
        for buffer in idle + idleLarge { buffer.deallocate() }
    }

    /// Buffers waiting to be reused.
    public var idleCount: Int { idle.count + idleLarge.count }
    /// Buffers taken and not given back (the scratch buffer counts once taken).
    public private(set) var lentCount = 0

    /// One buffer to read into and copy out of at once (held clients' caller data), shared by
    /// everything on the pool's loop.
    public private(set) lazy var scratch = take()

    /// A buffer of ``size`` bytes.
    public func take() -> UnsafeMutableRawBufferPointer {
        lentCount += 1
        return idle.popLast() ?? UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    }

    /// A buffer of ``largeSize`` bytes.
    public func takeLarge() -> UnsafeMutableRawBufferPointer {
        lentCount += 1
        return idleLarge.popLast() ?? UnsafeMutableRawBufferPointer.allocate(byteCount: largeSize, alignment: 16)
    }

    /// Takes back a buffer of either size.
    public func give(_ buffer: UnsafeMutableRawBufferPointer) {
        lentCount -= 1
        if buffer.count == largeSize, largeSize != size {
            if idleLarge.count < limit { idleLarge.append(buffer) } else { buffer.deallocate() }
        } else if idle.count < limit {
            idle.append(buffer)
        } else {
            buffer.deallocate()
        }
    }
}
