import UsherControl
import UsherWire

/// Runs a client command against the daemon, turning client errors into the exit codes of the
/// command-line contract: 69 when no daemon answers, 1 when it refuses.
enum ControlSession {
    static func run<Result: Sendable>(
        _ options: ControlOptions, _ body: (ControlClient) async throws -> Result
    ) async throws -> Result {
        do {
            return try await ControlClient.withConnection(to: options.path, body)
        } catch let error as ControlClientError {
            switch error {
            case .unreachable:
                throw CommandFailure(error.description, code: .unavailable)
            case .refused, .badMessage, .closed:
                throw CommandFailure(error.description, code: .runtime)
            }
        }
    }

    /// Writes a JSON document and a newline to standard output.
    static func printJSON(_ value: some Encodable) {
        StandardOutput.write(WireJSON.encode(value) + [UInt8(ascii: "\n")])
    }
}
