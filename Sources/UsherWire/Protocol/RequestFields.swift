import UsherCore

/// The fields a request line may carry, each optional on the wire and checked per operation by
/// ``RequestParser``; clients encode their requests with it.
struct RequestFields: Codable {
    var v: Int?
    var id: MessageID?
    var op: String?
    var ids: [String]?
    var all: Bool?
    var peer: String?
    var listener: Int?
    var decision: String?
    var mode: String?
    var message: String?
    var `for`: String?
    var host: Bool?
    var remember: String?
    var rememberFor: String?
    var applyPending: Bool?
    var extendTimeout: Bool?
    var name: String?
    var before: Int64?
    var until: String?
    var request: String?
    var limit: Int?

    enum CodingKeys: String, CodingKey {
        case v, id, op, ids, all, peer, listener, decision, mode, message, `for`, host, remember, name
        case before, until, request, limit
        case rememberFor = "remember_for"
        case applyPending = "apply_pending"
        case extendTimeout = "extend_timeout"
    }

    init(_ request: ControlRequest) {
        v = ControlProtocol.version
        id = request.id
        op = request.operation.name
        switch request.operation {
        case .snapshot(host: true), .subscribe(host: true): host = true
        case .reload(let again): applyPending = again ? true : nil
        case .forget(let rule): name = rule
        case .journal(let page):
            before = page.before
            until = page.until
            self.request = page.request
            limit = page.limit
        default: break
        }
        guard case .decide(let operation) = request.operation else { return }
        ids = operation.ids.isEmpty ? nil : operation.ids
        remember = operation.remember?.scope.rawValue
        rememberFor = operation.remember?.duration.description
        extendTimeout = operation.extendsTimeout ? true : nil
        if let selector = operation.selector {
            all = selector.peer == nil && selector.listenerPort == nil ? true : nil
            peer = selector.peer?.description
            listener = selector.listenerPort
        }
        switch operation.decision {
        case .accept:
            decision = "accept"
        case .reject(let rejectMode, let bytes):
            decision = "reject"
            mode = rejectMode.rawValue
            message = bytes.map { String(decoding: $0, as: UTF8.self) }
        case .deferral(let duration):
            decision = "defer"
            self.for = DurationText.format(duration)
        }
    }
}

extension ControlRequest {
    /// The request as one line, with its newline.
    public func encodedLine() -> [UInt8] {
        WireJSON.encode(RequestFields(self)) + [UInt8(ascii: "\n")]
    }
}
