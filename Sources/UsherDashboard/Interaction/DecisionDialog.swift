import UsherCore
import UsherWire

/// The decision dialog (`m`): decide one request and, if asked, remember the decision for
/// requests like it — OpenSnitch's prompt, keyboard first. It picks the decision, the scope (this
/// connection only, the peer address, its /24 or /64, the SNI, the Host, the listener) and the
/// duration (once, 5m, 1h, until restart, forever), starting on the narrowest choice of each.
///
/// It is bound to the request it was opened on: rows moving underneath change nothing, and a
/// request that finishes while the dialog is open is not decided.
public struct DecisionDialog: Hashable, Sendable {
    /// The rows of the dialog, top to bottom.
    public enum Field: Int, Hashable, Sendable, CaseIterable {
        case decision, scope, duration
    }

    /// What the dialog decides.
    public enum Choice: String, Hashable, Sendable, CaseIterable {
        case accept, reject, reset
    }

    /// How far the decision reaches: this connection only, or a remembered scope.
    public enum Reach: Hashable, Sendable {
        case connection
        case remembered(RememberScope)
    }

    /// How long, once the reach is wider than the connection.
    public enum Length: String, Hashable, Sendable, CaseIterable {
        case once, fiveMinutes = "5m", oneHour = "1h", restart = "until restart", forever

        /// How long a remembered decision lasts; `nil` for `once`, which remembers nothing.
        var remembered: RememberDuration? {
            switch self {
            case .once: nil
            case .fiveMinutes: .lasting(.seconds(300))
            case .oneHour: .lasting(.seconds(3600))
            case .restart: .restart
            case .forever: .forever
            }
        }
    }

    /// One scope as the dialog offers it: what it would match, or why it cannot.
    public struct ScopeOption: Hashable, Sendable {
        public var reach: Reach
        /// `127.0.0.1`, `10.1.2.0/24`, `api.example.com`, `127.0.0.1:8080`; `nil` when the request
        /// gives nothing to remember for this scope.
        public var subject: String?
        public var label: String {
            switch reach {
            case .connection: "connection"
            case .remembered(let scope): scope.rawValue
            }
        }
    }

    public let requestID: String
    /// `127.0.0.3:51234 → 127.0.0.1:8080`, as the title shows it.
    public let summary: String
    public let scopes: [ScopeOption]
    public internal(set) var field = Field.decision
    public internal(set) var choice = Choice.accept
    public internal(set) var scopeIndex = 0
    public internal(set) var length = Length.once

    /// A dialog for `request`, every choice on its narrowest value.
    public init(for request: WireRequest) {
        requestID = request.id
        summary = "\(request.clientAndProxy) → \(request.local)"
        let local = (try? Endpoint.parse(request.local)) ?? Endpoint(host: request.local, port: 0)
        scopes = [ScopeOption(reach: .connection, subject: request.id)] + RememberScope.allCases.map { scope in
            ScopeOption(reach: .remembered(scope), subject: try? scope.subject(
                source: request.clientHost, serverName: request.callerData.tlsServerName,
                httpHost: request.callerData.httpHost, local: local))
        }
    }

    public var scope: ScopeOption { scopes[scopeIndex] }

    // MARK: Moving

    /// Moves the focus to the next (`by: 1`) or previous row, wrapping.
    mutating func moveField(by step: Int) {
        let count = Field.allCases.count
        field = Field(rawValue: ((field.rawValue + step) % count + count) % count) ?? .decision
    }

    /// Changes the focused row's choice to the next (`by: 1`) or previous one, skipping scopes
    /// the request gives nothing for; stops at either end.
    mutating func moveChoice(by step: Int) {
        switch field {
        case .decision:
            let all = Choice.allCases
            let index = all.firstIndex(of: choice) ?? 0
            choice = all[max(0, min(all.count - 1, index + step))]
        case .scope:
            var index = scopeIndex + step
            while scopes.indices.contains(index), scopes[index].subject == nil { index += step }
            guard scopes.indices.contains(index) else { return }
            scopeIndex = index
            // A remembered scope needs a duration; the connection alone is decided once.
            if scope.reach == .connection { length = .once } else if length == .once { length = .fiveMinutes }
        case .duration:
            let all = Length.allCases
            let index = all.firstIndex(of: length) ?? 0
            let next = all[max(0, min(all.count - 1, index + step))]
            if next == .once {
                scopeIndex = 0
            } else if scope.reach == .connection {
                guard let narrowest = scopes.indices.first(where: { scopes[$0].reach != .connection && scopes[$0].subject != nil })
                else { return }
                scopeIndex = narrowest
            }
            length = next
        }
    }

    // MARK: Result

    /// The control operation the dialog sends on Enter.
    public var operation: DecideOperation {
        let decision: DecisionRequest = switch choice {
        case .accept: .accept
        case .reject: .reject(mode: .close, message: nil)
        case .reset: .reject(mode: .reset, message: nil)
        }
        guard case .remembered(let scope) = scope.reach, let duration = length.remembered else {
            return DecideOperation(ids: [requestID], selector: nil, decision: decision)
        }
        return DecideOperation(
            ids: [requestID], selector: nil, decision: decision, remember: RememberRequest(scope: scope, duration: duration))
    }

    /// What Enter will do, in words: `accept r7 only; nothing is remembered`, `accept r7 and
    /// every request from 127.0.0.3 for 5m`.
    public var consequence: String {
        let option = scope
        guard case .remembered(let remembered) = option.reach, let subject = option.subject,
              let duration = length.remembered
        else {
            return "\(choice.rawValue) \(requestID) only; nothing is remembered"
        }
        let which = switch remembered {
        case .peer, .net: "from \(subject)"
        case .sni: "for SNI \(subject)"
        case .host: "for Host \(subject)"
        case .listener: "on \(subject)"
        }
        let how = switch duration {
        case .lasting(let length): "for \(DurationText.format(length))"
        case .restart: "until usher restarts"
        case .forever: "until removed (usher rules rm)"
        }
        return "\(choice.rawValue) \(requestID) and every request \(which) \(how)"
    }
}
