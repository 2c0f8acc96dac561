/// Relay buffers of one size, reused: a proxied connection takes two and gives them back when
/// it ends, so that the accept path does not allocate once the pool is warm. The pool keeps at
/// most ``limit`` idle buffers; more are freed. One pool belongs to one loop (not thread-safe).
public final class BufferPool {
    public let size: Int
    public let limit: Int
    private var idle: [UnsafeMutableRawBufferPointer] = []

    public init(size: Int = 64 << 10, limit: Int = 1024) {
        self.size = max(1, size)
        self.limit = max(0, limit)
    }

    deinit {
        for buffer in idle { buffer.deallocate() }
    }

    /// Buffers waiting to be reused.
    public var idleCount: Int { idle.count }

    /// One buffer to read into and copy out of at once (held clients' caller data), shared by
    /// everything on the pool's loop.
    public private(set) lazy var scratch = take()

    public func take() -> UnsafeMutableRawBufferPointer {
        idle.popLast() ?? UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    }

    public func give(_ buffer: UnsafeMutableRawBufferPointer) {
        if idle.count < limit { idle.append(buffer) } else { buffer.deallocate() }
    }
}
