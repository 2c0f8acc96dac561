#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on 127.0.0.1, port 0, as plain as the kernel makes it: connections
/// complete into its backlog whether or not anybody accepts them (an upstream that hangs, or
/// the far end of a connection a test hands to something else).
public struct RawListener: Sendable {
    public let descriptor: Int32
    public let port: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(backlog: Int32 = 64) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && listen(descriptor, backlog) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard descriptor >= 0, bound else {
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            throw Failure(description: "cannot listen on 127.0.0.1: errno \(errno)")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// The next connection (one that connected before: this blocks otherwise).
    public func accept() throws -> Int32 {
        let connection = Glibc.accept(descriptor, nil, nil)
        guard connection >= 0 else { throw Failure(description: "accept: errno \(errno)") }
        return connection
    }

    public func close() {
        _ = Glibc.close(descriptor)
    }
}
