import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Short, lower-case descriptions of socket errors for logs and messages:
/// "connection refused", "address already in use", "connect timed out after 5s".
enum ErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IOError:
            return errnoText(error.errnoCode)
        case ChannelError.connectTimeout(let amount):
            return "connect timed out after \(amount.nanoseconds / 1_000_000)ms"
        case let error as NIOConnectionError:
            return error.connectionErrors.first.map { describe($0.error) } ?? "connection failed"
        case let unknown as SocketAddressError.UnknownHost:
            return unknown.errorDescription.lowercased()
        case SocketAddressError.unknown:
            return "no such host"
        default:
            return String(describing: error)
        }
    }

    /// `true` for errors that mean this process or host ran out of something (descriptors,
    /// buffers, memory) rather than that the peer failed.
    static func isLocalExhaustion(_ error: any Error) -> Bool {
        switch error {
        case let error as IOError:
            return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
        case let error as NIOConnectionError:
            return error.connectionErrors.contains { isLocalExhaustion($0.error) }
        default:
            return false
        }
    }

    static func errnoText(_ code: CInt) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
