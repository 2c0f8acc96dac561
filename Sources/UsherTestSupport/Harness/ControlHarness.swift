import Logging
import NIOCore
import NIOPosix
import UsherControl
import UsherCore
import UsherGate

/// A real gate on a loopback port with its control socket in a test's own folder.
public struct ControlHarness: Sendable {
    public let gate: Gate
    public let port: Int
    public let path: String

    /// Starts the gate and its control server, runs `body`, stops both whatever `body` did, and
    /// throws ``HarnessFailure`` when the counters do not add up.
    public static func with(
        policy: Policy = .ask, subscriberQueue: Int = 4096, statsInterval: Duration = .seconds(1),
        limits: ControlLimits = .standard, _ body: (ControlHarness) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let logger = Logger(label: "usher-test") { _ in SwiftLogNoOpLogHandler() }
        let configuration = GateConfiguration(
            listeners: [ListenerConfiguration(endpoint: Endpoint(host: "127.0.0.1", port: 0))],
            provider: ProviderConfiguration(policy: policy, pendingTimeout: .seconds(30)),
            drainTimeout: .seconds(2), lingerTimeout: .seconds(1))
        let gate = try await Gate.start(configuration, on: group, logger: logger)
        let path = folder.path + "/control.sock"
        let control: ControlServer
        do {
            control = try await ControlServer.start(
                at: path, service: ControlService(provider: gate, version: "test"), access: AccessPolicy(), group: group,
                logger: logger, subscriberQueue: subscriberQueue, statsInterval: statsInterval, limits: limits)
        } catch {
            await gate.shutdown()
            try await group.shutdownGracefully()
            throw error
        }
        let harness = ControlHarness(gate: gate, port: gate.listenerAddresses.first?.port ?? 0, path: path)
        let result = await Result { try await body(harness) }
        await gate.shutdown()
        await control.close(reason: "test over")
        try await group.shutdownGracefully()
        try result.get()
        let counters = gate.snapshot().counters
        guard counters.isConserved else { throw HarnessFailure(description: "counters do not add up: \(counters)") }
    }

    /// Waits until `count` requests are pending.
    public func waitForPending(_ count: Int, timeout: Duration = .seconds(60)) async throws {
        try await poll("\(count) pending", timeout: timeout) { gate.snapshot().pending.count == count }
    }
}
