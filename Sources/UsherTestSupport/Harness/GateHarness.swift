import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import UsherCore
import UsherGate

/// Log lines a gate wrote during one test.
public final class CapturedLog: Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    public init() {}

    public var all: [String] { lines.withLockedValue { $0 } }

    public func append(_ line: String) {
        lines.withLockedValue { $0.append(line) }
    }

    /// `true` when a line holds every fragment.
    public func contains(_ fragments: [String]) -> Bool {
        all.contains { line in fragments.allSatisfy(line.contains) }
    }

    /// Waits until a line holds every fragment (events are logged off the event loops, a moment
    /// after they happen).
    public func waitFor(_ fragments: String..., timeout: Duration = .seconds(60)) async throws {
        try await poll("a log line with \(fragments)", timeout: timeout) { contains(fragments) }
    }

    /// A logger whose lines (`level message key=value…`, keys sorted) land here.
    public func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "usher-test") { _ in CapturingLogHandler(log: self) }
        logger.logLevel = level
        return logger
    }
}

/// A swift-log handler that keeps `level message key=value…` lines in a ``CapturedLog``.
struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        log.append(([event.level.rawValue, "\(event.message)"] + fields).joined(separator: " "))
    }
}

/// A harness found the gate in a state no test may leave it in.
public struct HarnessFailure: Error, CustomStringConvertible {
    public var description: String
}

/// Runs a test against a real gate on a loopback port (two event loops), stops it, and checks
/// the conservation invariant when it is done.
public enum GateHarness {
    /// A configuration for tests: loopback port 0, short connect, drain and linger timeouts.
    public static func configuration(
        policy: Policy = .ask, timeout: Duration? = .seconds(30), timeoutAction: TimeoutAction = .reject,
        maxPending: Int = 10_000, overflow: OverflowMode = .pause, rejectMessage: String = "",
        upstream: Endpoint? = nil, listen: [Endpoint] = [Endpoint(host: "127.0.0.1", port: 0)], backlog: Int? = nil,
        halfClose: HalfClosePolicy = .withdraw
    ) -> GateConfiguration {
        GateConfiguration(
            listeners: listen.map { ListenerConfiguration(endpoint: $0, backlog: backlog) },
            upstream: upstream,
            provider: ProviderConfiguration(
                policy: policy, pendingTimeout: timeout, timeoutAction: timeoutAction, maxPending: maxPending,
                overflow: overflow, defaultRejection: Rejection(mode: .close, message: Array(rejectMessage.utf8)),
                halfClose: halfClose),
            connectTimeout: .seconds(2), drainTimeout: .seconds(2), lingerTimeout: .seconds(1))
    }

    /// The data path of the gates started in this task, when set (else `USHER_DATA_PATH`, else
    /// the configuration's).
    @TaskLocal public static var dataPath: GateConfiguration.DataPath?

    /// Starts a gate, runs `body` with it, its first listener's port and its log, and stops it,
    /// whatever `body` did; throws ``HarnessFailure`` when the counters do not add up.
    public static func with(
        _ configuration: GateConfiguration,
        _ body: (Gate, Int, CapturedLog) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let log = CapturedLog()
        let gate: Gate
        var configuration = configuration
        // USHER_DATA_PATH=epoll (or the task-local) runs the gate's tests on the data plane's own loop.
        if let path = dataPath ?? ProcessInfo.processInfo.environment["USHER_DATA_PATH"].flatMap(GateConfiguration.DataPath.init) {
            configuration.dataPath = path
        }
        do {
            gate = try await Gate.start(configuration, on: group, logger: log.logger())
        } catch {
            try await group.shutdownGracefully()
            throw error
        }
        let port = gate.listenerAddresses.first?.port ?? 0
        let outcome = await Result { try await body(gate, port, log) }
        await gate.shutdown()
        try await group.shutdownGracefully()
        try outcome.get()
        let counters = gate.snapshot().counters
        guard counters.isConserved else { throw HarnessFailure(description: "counters do not add up: \(counters)") }
    }
}

extension Gate {
    /// Waits until `count` requests are pending and returns them, oldest first.
    public func waitForPending(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [Request] {
        try await poll("\(count) pending requests", timeout: timeout) { snapshot().pending.count == count }
        return snapshot().pending
    }

    /// Waits until the counters satisfy `condition`.
    public func waitForCounters(
        _ what: String, timeout: Duration = .seconds(60), _ condition: @escaping (Counters) -> Bool
    ) async throws {
        try await poll(what, timeout: timeout) { condition(snapshot().counters) }
    }
}

extension TCPClient {
    /// Connects to a gate's loopback listener.
    public static func gate(_ port: Int) async throws -> TCPClient {
        try await connect(to: "127.0.0.1", port: port)
    }

    /// Connects and waits for the connection to end; a reset may already fail the connect.
    public static func closeSeenByNewClient(port: Int) async throws -> CloseKind {
        do {
            return try await gate(port).waitForClose()
        } catch TCPClientError.connectFailed(let code) where code == ECONNRESET {
            return .reset
        }
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    public init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}

/// An HTTP request that asks the upstream to close after its answer.
public let httpRequest = "GET /hello HTTP/1.1\r\nHost: usher.test\r\nConnection: close\r\n\r\n"
