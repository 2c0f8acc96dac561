import Foundation
import UsherWire
import UsherCore

/// A pending request as the dashboard shows it: the wire request and its times as dates.
public struct PendingRow: Hashable, Sendable {
    public var request: WireRequest
    public var arrivedAt: Date
    /// When the pending timeout applies its action.
    public var timeoutAt: Date?
    /// When a deferral ends.
    public var deferredUntil: Date?
    /// ID, peer, state and caller data in lower case, for the filter.
    let searchText: String

    /// `request` as sent at `messageTime`.
    public init(_ request: WireRequest, messageTime: Date) {
        self.request = request
        arrivedAt = WireClock.parse(request.arrived) ?? messageTime.addingTimeInterval(-Double(request.ageMs) / 1000)
        timeoutAt = request.timeoutMs.map { messageTime.addingTimeInterval(Double($0) / 1000) }
        deferredUntil = request.deferredUntil.flatMap(WireClock.parse)
        number = Int(request.id.drop { !$0.isNumber }) ?? 0
        let data = request.callerData
        searchText = [request.id, request.peer, request.source ?? "", request.state, data.preview, data.summary].joined(separator: "\u{0}").lowercased()
    }

    public var id: String { request.id }

    /// The numeric part of the ID, for sorting `r9` before `r10`.
    public let number: Int

    /// The host of the client (the original source of a PROXY header), without port or brackets.
    public var peerHost: String { request.clientHost }
}

extension PendingRow {
    /// `true` when an operator would see a difference besides the clock and the byte count:
    /// the state, what the caller data says (its preview is bounded, so a client that keeps
    /// sending cannot keep changing it), the outcomes, who decided.
    func differs(from other: PendingRow) -> Bool {
        let (a, b) = (request, other.request)
        return a.state != b.state || a.callerData.summary != b.callerData.summary || a.outcomes != b.outcomes
            || a.decidedBy != b.decidedBy || a.deferredUntil != b.deferredUntil
    }
}
