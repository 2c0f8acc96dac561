#if canImport(Glibc)
import Glibc
#endif
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

    /// The daemon's hello, when the caller is one of its operators (who may `what`).
    static func operatorHello(_ client: ControlClient, may what: String) async throws -> WireHello {
        let hello = try await client.hello()
        guard hello.role == .operator else {
            throw CommandFailure("uid \(getuid()) is an observer of this usher: it may watch, not \(what)", code: .runtime)
        }
        return hello
    }

    /// Subscribes (so that the answer, an event, is not missed), then sends the daemon `signal`.
    static func subscribeAndSignal(_ client: ControlClient, _ hello: WireHello, _ signal: Int32) async throws {
        _ = try await client.subscribe()
        guard kill(hello.pid, signal) == 0 else {
            throw CommandFailure("cannot signal usher (pid \(hello.pid)): \(String(cString: strerror(errno)))", code: .runtime)
        }
    }

    /// The hello of the usher that answers at `path` within `limit` (after a restart: one that
    /// is not process `old`), looking every 100 ms; `nil` when none does.
    static func waitForDaemon(at path: String, within limit: Duration, other old: Int32? = nil) async throws -> WireHello? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let hello = try? await ControlClient.withConnection(to: path, { try await $0.hello() }), hello.pid != old { return hello }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Writes a JSON document and a newline to standard output.
    static func printJSON(_ value: some Encodable) {
        StandardOutput.write(WireJSON.encode(value) + [UInt8(ascii: "\n")])
    }
}
