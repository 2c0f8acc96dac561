import UsherCore
import UsherWire

/// The `/` filter: a peer network (`10.0.0.0/8`, `::1`), a listener (`:8080`), or text found in
/// the ID, peer, listener, state or caller data (case-insensitive).
public struct RowFilter: Hashable, Sendable {
    public let text: String
    private let prefix: AddressPrefix?
    private let lowered: String

    public init(_ text: String) {
        self.text = text
        lowered = text.lowercased()
        prefix = text.hasPrefix(":") ? nil : try? AddressPrefix.parse(text)
    }

    public var isEmpty: Bool { text.isEmpty }

    public func matches(_ row: PendingRow, listenerAddress: String?) -> Bool {
        if lowered.isEmpty { return true }
        if let prefix { return prefix.contains(row.peerHost) }
        if lowered.hasPrefix(":"), let address = listenerAddress { return address.hasSuffix(lowered) }
        return row.searchText.contains(lowered) || (listenerAddress?.contains(lowered) ?? false)
    }
}
