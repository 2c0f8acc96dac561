import CEpoll
#if canImport(Glibc)
import Glibc
#endif

/// A system call of the data plane that failed, with its `errno`.
public struct DataPlaneError: Error, Hashable, Sendable, CustomStringConvertible {
    public let call: String
    public let code: Int32

    public init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    public var description: String { "\(call): \(reason)" }

    /// What went wrong, in words for a log line: `connection refused`, `address already in use`.
    public var reason: String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
