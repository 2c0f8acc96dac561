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

    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}
