import Foundation
import Testing
import UsherCore
import UsherGate
import UsherTestSupport

/// Listeners that decide differently from the gate: each with its own policy, timeout, reject
/// message, queue limit and upstream (``ListenerConfiguration/overrides``, ``ListenerConfiguration/upstream``).
@Suite(
    "Gate: settings per listener", .timeLimit(.minutes(1)),
    .enabled(if: ProcessInfo.processInfo.environment["USHER_DATA_PATH"] != "nio", "an upstream per listener needs the default data path"))
struct ListenerSettingsTests {
    @Test("three listeners: one asks (the gate's policy), one accepts to its own upstream, one times out fast with its own message")
    func perListener() async throws {
        let refusing = try RefusingPort()
        var configuration = GateHarness.configuration(
            policy: .ask, timeout: .seconds(30),
            listen: [Endpoint(host: "127.0.0.1", port: 0), Endpoint(host: "127.0.0.1", port: 0), Endpoint(host: "127.0.0.1", port: 0)])
        configuration.listeners[1].overrides = ListenerOverrides(policy: .accept)
        configuration.listeners[1].upstream = Endpoint(host: "127.0.0.1", port: refusing.port)
        configuration.listeners[2].overrides = ListenerOverrides(
            pendingTimeout: .some(.milliseconds(200)), timeoutAction: .reject, maxPending: 3,
            defaultRejection: Rejection(mode: .close, message: Array("slow\n".utf8)))
        try await GateHarness.with(configuration) { gate, _, log in
            let ports = gate.listenerAddresses.compactMap(\.port)
            #expect(gate.snapshot().listeners.map(\.limit) == [10_000, 10_000, 3])

            let refused = try await TCPClient.connect(to: "127.0.0.1", port: ports[1])
            try await refused.send(Array("ping\n".utf8))
            #expect(try await refused.readToEnd().isEmpty, "accepted by its listener's policy, then refused by its own upstream")
            try await log.waitFor("rejected", "id=r1", "by=upstream", "connection refused")

            let slow = try await TCPClient.connect(to: "127.0.0.1", port: ports[2])
            #expect(String(decoding: try await slow.readToEnd(), as: UTF8.self) == "slow\n")
            try await log.waitFor("expired", "id=r2")

            let asking = try await TCPClient.connect(to: "127.0.0.1", port: ports[0])
            try await asking.send(Array("\u{1}hello\n".utf8))
            let pending = try await gate.waitForPending(1)
            #expect(pending.first?.listener == ListenerID(0), "the gate's own policy: it waits")
            try gate.decide(try #require(pending.first?.id), .reject(Rejection(mode: .close, message: [])), by: .operator(Operator()))
            _ = try await asking.readToEnd()
            #expect(gate.configuration(for: ListenerID(2)).defaultRejection.message == Array("slow\n".utf8))
            #expect(gate.configuration(for: ListenerID(0)).policy == .ask)
        }
    }
}
