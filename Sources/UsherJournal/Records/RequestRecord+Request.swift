import Foundation
import UsherCore
import UsherWire

extension RequestRecord {
    /// The record of a request that reached its final state. Text the client chose (its data,
    /// and reasons that quote it) is stored escaped for terminals, as `usher ls` shows it, so
    /// that reading the journal with `sqlite3` is as safe.
    public init(_ request: Request, run: Int64, listener: String, policy: String, clock: WireClock) {
        let ended = request.finishedAt ?? clock.now
        let preview = request.callerData.preview
        id = request.id.description
        sequence = Int64(request.id.sequence)
        self.run = run
        self.listener = listener
        peer = request.peer.description
        peerAddress = Data(Self.storedAddress(request.peer.host))
        source = request.proxiedSource?.description
        local = request.local.description
        arrivedAt = Self.milliseconds(request.arrivedAt, clock)
        endedAt = Self.milliseconds(ended, clock)
        state = request.state.name
        decidedBy = request.decider.map { TerminalText.escaped($0.description) }
        deciderKind = request.decider?.kind
        if case .operator(let person) = request.decider {
            deciderUid = person.uid.map(Int64.init)
            deciderUser = person.name.map(TerminalText.escaped)
            deciderPid = person.pid.map(Int64.init)
        }
        if case .rule(let name) = request.decider { rule = TerminalText.escaped(name) }
        self.policy = policy
        reason = request.lastOutcome.map { TerminalText.escaped($0.reason) }
        outcomes = Self.json(request.outcomes, clock: clock)
        self.preview = String(preview.text.prefix(Self.previewLimit))
        dataBytes = Int64(request.callerData.totalCount)
        tlsServerName = preview.tlsServerName.map(TerminalText.escaped)
        httpHost = preview.httpHost.map(TerminalText.escaped)
        httpRequest = preview.httpRequestLine.map(TerminalText.escaped)
        waitMs = WireClock.milliseconds(from: request.arrivedAt, to: ended)
    }

    /// An address's bytes as the journal keeps them: an IPv4-mapped IPv6 address
    /// (`::ffff:192.0.2.1`) as its 4 IPv4 bytes, so that one network filter finds it.
    static func storedAddress(_ host: String) -> [UInt8] {
        guard let bytes = IPAddressText.bytes(of: host) else { return [] }
        let mapped: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF]
        return bytes.count == 16 && bytes.prefix(12).elementsEqual(mapped) ? Array(bytes.suffix(4)) : bytes
    }

    /// Milliseconds since the Unix epoch of a moment.
    static func milliseconds(_ moment: Moment, _ clock: WireClock) -> Int64 {
        Int64((clock.date(moment).timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// `[{"at":MILLISECONDS,"condition":…,"reason":…,"verdict":…}, …]`, built directly (one
    /// row per request: an encoder, or a wire time per outcome, costs more than the row).
    static func json(_ outcomes: [ConditionOutcome], clock: WireClock) -> String {
        var text = "["
        text.reserveCapacity(2 + 112 * outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            text.append(index == 0 ? #"{"at":"# : #",{"at":"#)
            text.append(String(milliseconds(outcome.at, clock)))
            text.append(#","condition":"#)
            JSONText.appendQuoted(TerminalText.escaped(outcome.condition), to: &text)
            text.append(#","reason":"#)
            JSONText.appendQuoted(TerminalText.escaped(outcome.reason), to: &text)
            text.append(#","verdict":"#)
            JSONText.appendQuoted(outcome.verdict.description, to: &text)
            text.append("}")
        }
        text.append("]")
        return text
    }
}
