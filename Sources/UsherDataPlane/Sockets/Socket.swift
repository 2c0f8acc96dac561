import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// The socket calls of the data plane, non-blocking, with errors as values.
public enum Socket {
    /// What a non-blocking read or write did.
    public enum Transfer: Hashable, Sendable {
        /// This many bytes.
        case done(Int)
        /// Nothing now: it would block.
        case wouldBlock
        /// The peer ended its side (a read returned 0).
        case ended
        /// The connection failed (reset, broken pipe…).
        case failed(Int32)
    }

    /// Reads into `buffer[range]` (with `recv`: a socket's read without the file layer's
    /// steps that `read` takes first).
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, _ range: Range<Int>) -> Transfer {
        guard let base = buffer.baseAddress else { return .failed(EINVAL) }
        while true {
            let count = recv(descriptor, base + range.lowerBound, range.count, 0)
            if count > 0 { return .done(count) }
            if count == 0 { return .ended }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// Writes `buffer[range]` (never raising SIGPIPE).
    public static func write(_ descriptor: Int32, from buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Transfer {
        guard let base = buffer.baseAddress else { return .failed(EINVAL) }
        while true {
            let count = send(descriptor, base + range.lowerBound, range.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return .done(count) }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed(errno)
        }
    }

    /// Shuts down the write side: the peer reads the end of the stream.
    public static func shutDownWriting(_ descriptor: Int32) {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes with a reset (`SO_LINGER` 0): the peer sees "connection reset by peer".
    public static func reset(_ descriptor: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(descriptor)
    }

    /// The pending error of a socket (`SO_ERROR`), 0 for none.
    public static func pendingError(_ descriptor: Int32) -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return errno }
        return code
    }

    /// Makes `descriptor` non-blocking.
    public static func setNonBlocking(_ descriptor: Int32) throws(DataPlaneError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { throw DataPlaneError("fcntl") }
    }
}
