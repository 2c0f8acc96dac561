import ArgumentParser
import UsherCore

/// A `--listen` value: an address to bind, or listening sockets systemd passed (`systemd` for
/// every one, `fd:NAME` for those named `NAME` by `FileDescriptorName=`).
enum ListenAddress: Hashable, Sendable {
    case endpoint(Endpoint)
    case systemd(name: String?)

    var endpoint: Endpoint? {
        if case .endpoint(let endpoint) = self { return endpoint }
        return nil
    }

    static func parse(_ text: String) throws -> ListenAddress {
        if text == "systemd" { return .systemd(name: nil) }
        if text.hasPrefix("fd:") {
            let name = String(text.dropFirst(3))
            guard !name.isEmpty, !name.contains(":") else {
                throw ValidationError("'\(text)' names no socket; write fd:NAME, NAME as the socket unit's FileDescriptorName=")
            }
            return .systemd(name: name)
        }
        return .endpoint(try ArgumentParsing.endpoint(text))
    }
}
