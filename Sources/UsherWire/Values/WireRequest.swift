import Foundation
import UsherCore

/// A request on the wire: who, where, since when, what it sent, and every condition outcome.
public struct WireRequest: Hashable, Sendable, Codable {
    public var id: String
    /// The index of the listener it arrived on.
    public var listener: Int
    public var peer: String
    /// The original client named by a trusted proxy's PROXY header (`peer` is the proxy).
    public var source: String?
    public var local: String
    /// `pending`, `deferred`, `admitting`, `accepted`, `rejected`, `reset`, `withdrawn`…
    public var state: String
    public var arrived: String
    /// When it reached its final state (`accepted`, `rejected`…); absent until then.
    public var ended: String?
    /// Milliseconds waited when the message was made.
    public var ageMs: Int64
    /// Milliseconds until the pending timeout applies its action, if it does.
    public var timeoutMs: Int64?
    /// When a deferral ends.
    public var deferredUntil: String?
    /// Who decided: `policy`, `pid 4411`, `timeout`…
    public var decidedBy: String?
    /// The client has half-closed and waits for the answer.
    public var callerFinishedSending: Bool
    public var callerData: WireCallerData
    public var outcomes: [WireOutcome]

    enum CodingKeys: String, CodingKey {
        case id, listener, peer, source, local, state, arrived, ended, outcomes
        case ageMs = "age_ms"
        case timeoutMs = "timeout_ms"
        case deferredUntil = "deferred_until"
        case decidedBy = "decided_by"
        case callerFinishedSending = "caller_finished_sending"
        case callerData = "caller_data"
    }

    public init(_ request: Request, clock: WireClock, at moment: Moment? = nil) {
        let at = moment ?? clock.now
        id = request.id.description
        listener = request.listener.index
        peer = request.peer.description
        source = request.proxiedSource?.description
        local = request.local.description
        state = request.state.name
        arrived = clock.text(request.arrivedAt)
        ended = request.finishedAt.map(clock.text)
        ageMs = WireClock.milliseconds(from: request.arrivedAt, to: at)
        timeoutMs = request.state.isUndecided ? request.timeoutDeadline.map { WireClock.milliseconds(from: at, to: $0) } : nil
        if case .deferred(let until) = request.state { deferredUntil = clock.text(until) }
        decidedBy = request.decider?.description
        callerFinishedSending = request.callerFinishedSending
        callerData = WireCallerData(request.callerData)
        outcomes = request.outcomes.map { WireOutcome($0, clock: clock) }
    }

    /// Who the client is: the original source of a PROXY header, else the peer.
    public var client: String { source ?? peer }

    /// The client's host, without port or brackets.
    public var clientHost: String { (try? Endpoint.parse(client).host) ?? client }

    /// `203.0.113.7:56324 via 127.0.0.1:40000` for a proxied request, else the peer.
    public var clientAndProxy: String { source.map { "\($0) via \(peer)" } ?? peer }
}

/// Caller data on the wire: every captured byte (base64) and a preview for people.
public struct WireCallerData: Hashable, Sendable, Codable {
    /// Bytes the client sent while pending (more than `base64` holds beyond 4 KiB).
    public var total: Int
    /// The captured bytes, at most 4 KiB.
    public var base64: String
    /// Printable text: `GET / HTTP/1.1␍␊Host: …`.
    public var preview: String
    /// The HTTP request line and Host, when the client speaks HTTP, escaped for terminals
    /// (``TerminalText``); the bytes as sent are in `base64`.
    public var httpRequest: String?
    public var httpHost: String?
    /// The server name of a TLS ClientHello (SNI), when the client starts TLS, escaped for
    /// terminals.
    public var tlsServerName: String?

    enum CodingKeys: String, CodingKey {
        case total, base64, preview
        case httpRequest = "http_request"
        case httpHost = "http_host"
        case tlsServerName = "tls_sni"
    }

    public init(_ data: CallerData) {
        total = data.totalCount
        base64 = Data(data.bytes).base64EncodedString()
        preview = data.preview.text
        httpRequest = data.preview.httpRequestLine.map(TerminalText.escaped)
        httpHost = data.preview.httpHost.map(TerminalText.escaped)
        tlsServerName = data.preview.tlsServerName.map(TerminalText.escaped)
    }

    /// The captured bytes.
    public var bytes: [UInt8] { Data(base64Encoded: base64).map(Array.init) ?? [] }

    /// `GET / HTTP/1.1 Host: example.com`, `TLS sni=api.example.com`, else the printable
    /// preview.
    public var summary: String {
        if let tlsServerName { return "TLS sni=\(tlsServerName)" }
        guard let httpRequest else { return preview }
        return httpHost.map { "\(httpRequest) Host: \($0)" } ?? httpRequest
    }
}

/// One condition outcome on the wire.
public struct WireOutcome: Hashable, Sendable, Codable {
    /// `policy`, `operator`, `timeout`, a rule name…
    public var condition: String
    /// `accept`, `reject`, `reset`, `defer 30s`, `ask`, `no match`.
    public var verdict: String
    /// Why, in words; escaped for terminals (a reason may quote caller data).
    public var reason: String
    public var at: String

    public init(condition: String, verdict: String, reason: String, at: String) {
        self.condition = condition
        self.verdict = verdict
        self.reason = reason
        self.at = at
    }

    public init(_ outcome: ConditionOutcome, clock: WireClock) {
        condition = TerminalText.escaped(outcome.condition)
        verdict = outcome.verdict.description
        reason = TerminalText.escaped(outcome.reason)
        at = clock.text(outcome.at)
    }
}
