import Foundation
import UsherWire

/// A dashboard's event stream on file, as `usher top --record FILE` writes it and `usher top
/// --replay FILE` reads it: JSON lines, first a header, then one entry per input the dashboard
/// received from the daemon (the hello, the snapshot, every event and stats line, the end of
/// the connection), each with the wall-clock time it arrived.
///
/// ```
/// {"usher_recording":1,"version":"0.1.0"}
/// {"at":"2026-12-03T03:12:00.120Z","line":{"hello":{…},"type":"hello","v":1}}
/// {"at":"2026-12-03T03:12:07.400Z","disconnected":"daemon stopped"}
/// ```
public enum Recording {
    /// The format's version, in the header.
    public static let version = 1

    /// One input and when it arrived.
    public struct Entry: Codable, Hashable, Sendable {
        public var at: String
        public var line: ControlLine?
        public var disconnected: String?

        public init(at: String, line: ControlLine? = nil, disconnected: String? = nil) {
            self.at = at
            self.line = line
            self.disconnected = disconnected
        }
    }

    private struct Header: Codable {
        var format: Int
        var version: String

        enum CodingKeys: String, CodingKey {
            case format = "usher_recording", version
        }
    }

    /// Why a recording cannot be played, naming the line.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        public var description: String { "line \(line): \(problem)" }

        public init(line: Int, problem: String) {
            self.line = line
            self.problem = problem
        }
    }

    /// The header line, with its newline.
    public static func header(version: String) -> [UInt8] {
        WireJSON.encode(Header(format: Self.version, version: version)) + [0x0A]
    }

    /// `input` received at `at` as a line with its newline; nil for inputs that are not part
    /// of the stream (the answers to this dashboard's own decisions).
    public static func line(_ input: DashboardInput, at: Date) -> [UInt8]? {
        let entry: Entry
        switch input {
        case .hello(let hello): entry = Entry(at: WireClock.format(at), line: ControlLine(id: nil, message: .hello(hello)))
        case .message(let message): entry = Entry(at: WireClock.format(at), line: ControlLine(id: nil, message: message))
        case .disconnected(let reason): entry = Entry(at: WireClock.format(at), disconnected: reason)
        case .decided, .decisionFailed, .journal, .journalFailed: return nil
        }
        return WireJSON.encode(entry) + [0x0A]
    }

    /// Checks the header (line 1).
    public static func checkHeader(_ bytes: some Collection<UInt8>) throws(Problem) {
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes)) else {
            throw Problem(line: 1, problem: "not a usher recording (it starts with {\"usher_recording\":1,…}; usher top --record FILE writes one)")
        }
        guard header.format == version else {
            throw Problem(line: 1, problem: "a recording of format \(header.format); this usher plays format \(version)")
        }
    }

    /// Reads the entry on line `number`: when it arrived and what it was.
    public static func entry(_ bytes: some Collection<UInt8>, number: Int) throws(Problem) -> (at: Date, input: DashboardInput) {
        let entry: Entry
        do {
            entry = try JSONDecoder().decode(Entry.self, from: Data(bytes))
        } catch {
            throw Problem(line: number, problem: "not a recorded entry (\(Self.reason(error)))")
        }
        guard let at = WireClock.parse(entry.at) else { throw Problem(line: number, problem: "'at' is not a time: '\(entry.at)'") }
        if let reason = entry.disconnected { return (at, .disconnected(reason)) }
        guard let line = entry.line else { throw Problem(line: number, problem: "an entry has 'line' or 'disconnected'") }
        if case .hello(let hello) = line.message { return (at, .hello(hello)) }
        return (at, .message(line.message))
    }

    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted?: "not JSON"
        case .keyNotFound(let key, _)?: "'\(key.stringValue)' is missing"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default: "\(error)"
        }
    }
}
