/// An error the server reports on one line, with a stable code for scripts and a message for
/// people that names the problem and where it is.
public struct ControlError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable codes; scripts may rely on them.
    public enum Code: String, Hashable, Sendable, Codable {
        /// The line is not JSON, or not a JSON object.
        case badJSON = "bad_json"
        /// A field is missing, has the wrong type or a bad value.
        case badRequest = "bad_request"
        case unsupportedVersion = "unsupported_version"
        case unknownOperation = "unknown_op"
        /// The line is longer than ``ControlProtocol/maximumRequestLine``; the connection is closed.
        case lineTooLong = "line_too_long"
        /// The line nests JSON deeper than ``ControlProtocol/maximumNesting``; the connection is closed.
        case tooDeep = "too_deep"
        /// The client ended its input in the middle of a line: those bytes were not a request.
        case unterminatedLine = "unterminated_line"
        /// The caller's role does not allow this (observers may not decide), or the caller may not
        /// use the socket at all.
        case forbidden
        /// The request could not be decided: unknown, already decided…
        case notDecided = "not_decided"
        case alreadySubscribed = "already_subscribed"
        /// A new rules file was refused: the old rules stay in force.
        case rulesRefused = "rules_refused"
        /// No such rule (to forget), or no rules file (to reload).
        case noSuchRule = "no_such_rule"
        /// The daemon keeps no journal, or cannot read it now.
        case noJournal = "no_journal"
        /// The daemon serves as many control connections as it may (`--max-control-connections`).
        case tooManyConnections = "too_many_connections"
        /// The connection sent no request for too long without subscribing; it is closed.
        case idleTimeout = "idle_timeout"
        /// The subscriber read so slowly that its queue of events filled up; it is cut off and may
        /// subscribe again for a fresh snapshot.
        case lagging
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
