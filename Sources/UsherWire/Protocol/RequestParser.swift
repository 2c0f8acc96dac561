import Foundation
import UsherCore

/// Reads one request line into a ``ControlRequest``, or explains in one sentence what is wrong
/// with it (and echoes its `id` when one could be read).
public enum RequestParser {
    /// A line that could not be read: the error to send, with the request's `id` if known.
    public struct Failure: Error, Hashable, Sendable {
        public var id: MessageID?
        public var error: ControlError
    }

    private struct IDOnly: Decodable {
        var id: MessageID?
    }

    public static func parse(_ line: some Collection<UInt8>) -> Result<ControlRequest, Failure> {
        if JSONNesting.exceeds(ControlProtocol.maximumNesting, in: line) {
            return .failure(Failure(id: nil, error: ControlError(
                .tooDeep, "JSON nested more than \(ControlProtocol.maximumNesting) levels deep; requests nest 2")))
        }
        let data = Data(line)
        var fields: RequestFields?
        do {
            let decoded = try decodeFields(data)
            fields = decoded
            return .success(ControlRequest(id: decoded.id, operation: try operation(of: decoded)))
        } catch {
            // Echo the id when the line has a readable one, even if other fields are wrong.
            let id = fields?.id ?? (try? JSONDecoder().decode(IDOnly.self, from: data))?.id
            return .failure(Failure(id: id, error: error))
        }
    }

    private static func decodeFields(_ data: Data) throws(ControlError) -> RequestFields {
        do {
            return try JSONDecoder().decode(RequestFields.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw ControlError(.badJSON, "not JSON: \(preview(data)); send one JSON object per line")
        } catch let error as DecodingError {
            throw ControlError(.badRequest, describe(error))
        } catch {
            throw ControlError(.badJSON, "not JSON: \(preview(data)); send one JSON object per line")
        }
    }

    private static func operation(of fields: RequestFields) throws(ControlError) -> ControlOperation {
        if let version = fields.v, version != ControlProtocol.version {
            throw ControlError(
                .unsupportedVersion,
                "protocol version \(version) is not supported; this usher speaks \"v\":\(ControlProtocol.version)")
        }
        let expected = ControlOperation.names.joined(separator: ", ")
        guard let op = fields.op else {
            throw ControlError(.badRequest, "missing \"op\"; expected one of \(expected)")
        }
        switch op {
        case "hello": return .hello
        case "snapshot": return .snapshot(host: fields.host ?? false)
        case "subscribe": return .subscribe(host: fields.host ?? false)
        case "stats": return .stats
        case "decide": return .decide(try decideOperation(fields))
        case "rules": return .rules
        case "reload": return .reload(applyPending: fields.applyPending ?? false)
        case "forget":
            guard let name = fields.name, !name.isEmpty else {
                throw ControlError(.badRequest, "forget needs \"name\": the remembered decision's name, e.g. \"peer:127.0.0.1\"")
            }
            return .forget(name: name)
        case "journal": return .journal(try journalPage(fields))
        default:
            throw ControlError(.unknownOperation, "unknown op \(quoted(op)); expected one of \(expected)")
        }
    }

    private static func journalPage(_ fields: RequestFields) throws(ControlError) -> JournalPageRequest {
        let limit = fields.limit ?? 100
        guard (1...JournalPageRequest.maximumLimit).contains(limit) else {
            throw ControlError(.badRequest, "\"limit\": \(limit) rows; ask for 1 to \(JournalPageRequest.maximumLimit)")
        }
        if let id = fields.request, RequestID(id) == nil {
            throw ControlError(.badRequest, "\"request\": \(quoted(id)) is not a request ID; IDs look like r17")
        }
        if let until = fields.until, WireClock.parse(until) == nil {
            throw ControlError(.badRequest, "\"until\": \(quoted(until)) is not a time; write 2026-12-01T03:12:00.000Z")
        }
        return JournalPageRequest(before: fields.before, until: fields.until, request: fields.request, limit: limit)
    }

    private static func decideOperation(_ fields: RequestFields) throws(ControlError) -> DecideOperation {
        let ids = fields.ids ?? []
        for id in ids where RequestID(id) == nil {
            throw ControlError(.badRequest, "\"ids\": \(quoted(id)) is not a request ID; IDs look like r17")
        }
        var selector: RequestSelector?
        if fields.all == true || fields.peer != nil || fields.listener != nil {
            selector = RequestSelector(peer: try fields.peer.map(parsePrefix), listenerPort: try fields.listener.map(checkPort))
        }
        guard !ids.isEmpty || selector != nil else {
            throw ControlError(.badRequest, "decide needs \"ids\" (e.g. [\"r1\"]), \"all\":true, \"peer\" or \"listener\"")
        }
        let decision = try decision(fields)
        if fields.extendTimeout == true, case .deferral = decision {} else if fields.extendTimeout == true {
            throw ControlError(.badRequest, "\"extend_timeout\" goes with a deferral (\"decision\":\"defer\") only")
        }
        return DecideOperation(
            ids: ids, selector: selector, decision: decision, remember: try remember(fields),
            extendsTimeout: fields.extendTimeout ?? false)
    }

    private static func remember(_ fields: RequestFields) throws(ControlError) -> RememberRequest? {
        guard let scopeText = fields.remember else {
            if fields.rememberFor != nil { throw ControlError(.badRequest, "\"remember_for\" needs \"remember\" (a scope)") }
            return nil
        }
        guard let scope = RememberScope(rawValue: scopeText) else {
            let scopes = RememberScope.allCases.map(\.rawValue).joined(separator: ", ")
            throw ControlError(.badRequest, "\"remember\": \(quoted(scopeText)) is not a scope; use \(scopes)")
        }
        if case .deferral = try decision(fields) {
            throw ControlError(.badRequest, "a deferral is not remembered; remember accept or reject")
        }
        do {
            return RememberRequest(scope: scope, duration: try RememberDuration.parse(fields.rememberFor ?? "restart"))
        } catch {
            throw ControlError(.badRequest, "\"remember_for\": \(error.description), or restart, or forever")
        }
    }

    private static func decision(_ fields: RequestFields) throws(ControlError) -> DecisionRequest {
        switch fields.decision {
        case "accept":
            return .accept
        case "reject", "reset":
            let modeText = fields.mode ?? (fields.decision == "reset" ? "reset" : "close")
            guard let mode = RejectMode(rawValue: modeText) else {
                throw ControlError(.badRequest, "\"mode\": \(quoted(modeText)) is not close or reset")
            }
            return .reject(mode: mode, message: fields.message.map { Array($0.utf8) })
        case "defer":
            guard let text = fields.for else { return .deferral(ControlProtocol.defaultDeferral) }
            do {
                return .deferral(try DurationText.parse(text))
            } catch {
                throw ControlError(.badRequest, "\"for\": \(error.description)")
            }
        case let other?:
            throw ControlError(.badRequest, "\"decision\": \(quoted(other)) is not accept, reject, reset or defer")
        case nil:
            throw ControlError(.badRequest, "missing \"decision\"; expected accept, reject, reset or defer")
        }
    }

    private static func parsePrefix(_ text: String) throws(ControlError) -> AddressPrefix {
        do {
            return try AddressPrefix.parse(text)
        } catch {
            throw ControlError(.badRequest, "\"peer\": \(error.description)")
        }
    }

    private static func checkPort(_ port: Int) throws(ControlError) -> Int {
        guard (0...65_535).contains(port) else {
            throw ControlError(.badRequest, "\"listener\": \(port) is not a port from 0 to 65535")
        }
        return port
    }

    /// One sentence for a decoding error: which field, and what was expected.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)): expected \(typeName(type)), got null"
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            return "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "malformed request"
        }
    }

    private static func field(_ path: [any CodingKey]) -> String {
        let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return path.isEmpty ? "the request" : "\"\(text.hasPrefix(".") ? String(text.dropFirst()) : text)\""
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is MessageID.Type: "a number or a string"
        default: "\(type)".hasPrefix("Array") ? "an array of strings" : "a JSON object"
        }
    }

    /// The first bytes of a bad line, printable, for error messages.
    static func preview(_ data: Data) -> String {
        let shown = data.prefix(40).map { byte in
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }.joined()
        return "'" + shown + (data.count > 40 ? "…'" : "'")
    }

    private static func quoted(_ text: String) -> String {
        "'" + String(text.prefix(40)) + (text.count > 40 ? "…'" : "'")
    }
}
