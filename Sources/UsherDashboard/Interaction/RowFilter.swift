import UsherCore
import UsherWire

/// The `/` filter, read by ``FilterText`` as the commands read `--peer` and `--listener`: a
/// peer network (`10.0.0.0/8`, `::1`), a listener (`:8080`), or text found in the ID, peer,
/// listener, state or caller data (case-insensitive). Text that looks like a network but is not
/// one (`10.0.0.0/33`) matches nothing and says why in ``problem``.
public struct RowFilter: Hashable, Sendable {
    public let text: String
    private let kind: FilterText?
    /// Why the text is not a valid network or port, when it looks like one.
    public let problem: String?
    private let lowered: String

    public init(_ text: String) {
        self.text = text
        lowered = text.lowercased()
        do throws(FilterText.Invalid) {
            kind = text.isEmpty ? nil : try FilterText.parse(text)
            problem = nil
        } catch {
            kind = nil
            problem = error.description
        }
    }

    public var isEmpty: Bool { text.isEmpty }

    public func matches(_ row: PendingRow, listenerAddress: String?) -> Bool {
        if lowered.isEmpty { return true }
        switch kind {
        case .peer(let prefix): return prefix.contains(row.peerHost)
        case .listener(let port): return listenerAddress.map { $0.hasSuffix(":\(port)") } ?? false
        case .text: return row.searchText.contains(lowered) || (listenerAddress?.contains(lowered) ?? false)
        case nil: return false
        }
    }
}
