#if canImport(Glibc)
import Glibc
#endif

/// Why a test client's socket operation failed.
public enum TCPClientError: Error, Equatable, CustomStringConvertible {
    case connectFailed(errno: Int32)
    /// The peer reset the connection (`ECONNRESET`).
    case reset
    case timedOut(String)
    case failed(String, errno: Int32)

    public var description: String {
        switch self {
        case .connectFailed(let code): "connect failed: \(String(cString: strerror(code)))"
        case .reset: "connection reset by peer"
        case .timedOut(let what): "timed out: \(what)"
        case .failed(let what, let code): "\(what) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// How a connection ended, seen from the client.
public enum CloseKind: Equatable, Sendable {
    /// An orderly close (FIN): `recv` returned 0.
    case eof
    /// A reset (RST): `recv` failed with `ECONNRESET`.
    case reset
}

/// A real TCP client on a non-blocking socket for tests: every operation has a deadline and
/// waits by short sleeps, so it never blocks a thread of the cooperative pool.
public final class TCPClient: @unchecked Sendable {
    public let descriptor: Int32
    /// Bytes received after the last line ``readLine(timeout:)`` returned.
    private var lineBuffer: [UInt8] = []
    private static let step: Duration = .milliseconds(2)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        Glibc.close(descriptor)
    }

    /// Connects to an IPv4 or IPv6 literal address.
    public static func connect(
        to host: String, port: Int, timeout: Duration = .seconds(5)
    ) async throws -> TCPClient {
        try await connect(to: try SocketAddressStorage(host: host, port: port), timeout: timeout)
    }

    /// Connects to a Unix stream socket (a control socket).
    public static func connect(unixPath: String, timeout: Duration = .seconds(5)) async throws -> TCPClient {
        try await connect(to: SocketAddressStorage(unixPath: unixPath), timeout: timeout)
    }

    private static func connect(to address: SocketAddressStorage, timeout: Duration) async throws -> TCPClient {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw TCPClientError.failed("socket", errno: errno) }
        let client = TCPClient(descriptor: fd)
        let result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if result != 0 && errno != EINPROGRESS { throw TCPClientError.connectFailed(errno: errno) }
        try await client.waitUntil("connect", timeout: timeout, events: Int16(POLLOUT))
        let error = client.socketError()
        guard error == 0 else { throw TCPClientError.connectFailed(errno: error) }
        return client
    }

    /// The local port the kernel picked.
    public var localPort: Int { SocketAddressStorage.localPort(of: descriptor) }

    /// Sends every byte.
    public func send(_ bytes: [UInt8], timeout: Duration = .seconds(10)) async throws {
        var offset = 0
        let deadline = ContinuousClock.now + timeout
        while offset < bytes.count {
            let sent = try sendOnce(bytes[offset...])
            if sent > 0 { offset += sent; continue }
            try Self.checkDeadline(deadline, "send (\(offset) of \(bytes.count) bytes sent)")
            try await Task.sleep(for: Self.step)
        }
    }

    public func send(_ text: String, timeout: Duration = .seconds(10)) async throws {
        try await send(Array(text.utf8), timeout: timeout)
    }

    /// Half-closes: no more sending (FIN), still receiving.
    public func shutdownWrite() {
        shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Reads one line (without its newline), or `nil` when the peer closed first.
    public func readLine(timeout: Duration = .seconds(10)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = lineBuffer.firstIndex(of: 0x0A) {
                let line = String(decoding: lineBuffer[..<newline], as: UTF8.self)
                lineBuffer.removeSubrange(...newline)
                return line
            }
            switch try receiveOnce(into: &lineBuffer) {
            case .closed: return nil
            case .data: continue
            case .wouldBlock:
                try Self.checkDeadline(deadline, "read a line (\(lineBuffer.count) bytes so far)")
                try await Task.sleep(for: Self.step)
            }
        }
    }

    /// Reads until the peer closes; throws ``TCPClientError/reset`` on a reset.
    public func readToEnd(timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await read(upTo: .max, what: "read to end", timeout: timeout)
    }

    /// Reads until at least `count` bytes arrived (or the peer closes).
    public func read(atLeast count: Int, timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        try await read(upTo: count, what: "read \(count) bytes", timeout: timeout)
    }

    private func read(upTo count: Int, what: String, timeout: Duration) async throws -> [UInt8] {
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while received.count < count {
            switch try receiveOnce(into: &received) {
            case .closed: return received
            case .data: continue
            case .wouldBlock:
                try Self.checkDeadline(deadline, "\(what) (\(received.count) bytes so far)")
                try await Task.sleep(for: Self.step)
            }
        }
        return received
    }

    /// Sends `payload` while reading whatever comes back, optionally half-closes after the last
    /// byte, and returns everything received until the peer closes.
    public func exchange(
        _ payload: [UInt8], halfCloseAfterSending: Bool, timeout: Duration = .seconds(30)
    ) async throws -> [UInt8] {
        var offset = 0
        var received: [UInt8] = []
        var shutDown = false
        let deadline = ContinuousClock.now + timeout
        while true {
            var progressed = false
            if offset < payload.count {
                let sent = try sendOnce(payload[offset...], limit: 65_536)
                if sent > 0 { offset += sent; progressed = true }
            } else if halfCloseAfterSending && !shutDown {
                shutdownWrite()
                shutDown = true
            }
            switch try receiveOnce(into: &received) {
            case .closed: return received
            case .data: progressed = true
            case .wouldBlock: break
            }
            if !progressed {
                try Self.checkDeadline(deadline, "exchange (sent \(offset), received \(received.count))")
                try await Task.sleep(for: Self.step)
            }
        }
    }

    /// Waits until the peer ends the connection and says how.
    public func waitForClose(timeout: Duration = .seconds(10)) async throws -> CloseKind {
        do {
            _ = try await readToEnd(timeout: timeout)
            return .eof
        } catch TCPClientError.reset {
            return .reset
        }
    }

    /// `true` if nothing arrived and the connection is still open right now.
    public func isOpenAndQuiet() -> Bool {
        var byte: UInt8 = 0
        let result = recv(descriptor, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        return result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    /// Closes abortively: the peer sees a reset.
    public func reset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Closes in order (FIN).
    public func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    // MARK: Internals

    private enum Receive {
        case data
        case closed
        case wouldBlock
    }

    private func receiveOnce(into received: inout [UInt8]) throws -> Receive {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            received.append(contentsOf: buffer[0..<count])
            return .data
        }
        if count == 0 { return .closed }
        return try Self.classify(errno, "recv")
    }

    /// Sends at most `limit` bytes once; returns how many went out (0 when the buffer is full).
    private func sendOnce(_ bytes: ArraySlice<UInt8>, limit: Int = .max) throws -> Int {
        let sent = bytes.withUnsafeBytes {
            Glibc.send(descriptor, $0.baseAddress, min($0.count, limit), Int32(MSG_NOSIGNAL))
        }
        if sent >= 0 { return sent }
        _ = try Self.classify(errno, "send")
        return 0
    }

    private static func classify(_ code: Int32, _ what: String) throws -> Receive {
        switch code {
        case EAGAIN, EWOULDBLOCK, EINTR: return .wouldBlock
        case ECONNRESET, EPIPE: throw TCPClientError.reset
        default: throw TCPClientError.failed(what, errno: code)
        }
    }

    private static func checkDeadline(_ deadline: ContinuousClock.Instant, _ what: @autoclosure () -> String) throws {
        if ContinuousClock.now >= deadline { throw TCPClientError.timedOut(what()) }
    }

    private func waitUntil(_ what: String, timeout: Duration, events: Int16) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            if Glibc.poll(&entry, 1, 0) > 0 { return }
            if ContinuousClock.now >= deadline { throw TCPClientError.timedOut(what) }
            try await Task.sleep(for: Self.step)
        }
    }

    private func socketError() -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &value, &length)
        return value
    }
}
