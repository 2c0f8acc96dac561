import Testing
import UsherCore
import UsherGate
import UsherTestSupport

/// Withdrawal, timeouts, limits, the backlog clamp and graceful stop, with real clients.
@Suite("Gate lifecycle", .timeLimit(.minutes(1)))
struct GateLifecycleTests {
    @Test("a client that closes while pending has withdrawn", arguments: [false, true])
    func withdrawal(byReset: Bool) async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, log in
            let client = try await TCPClient.gate(port)
            _ = try await gate.waitForPending(1)
            if byReset { client.reset() } else { client.close() }
            try await gate.waitForCounters("withdrawn") { $0.withdrawn == 1 && $0.pending == 0 }
            try await log.waitFor("withdrawn", "id=r1")
        }
    }

    @Test("a client that stops sending while pending has withdrawn (--half-close withdraw)")
    func halfCloseWithdraws() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await client.send("\u{1}request")
            _ = try await gate.waitForPending(1)
            client.shutdownWrite()
            try await gate.waitForCounters("withdrawn") { $0.withdrawn == 1 }
            #expect(try await client.readToEnd().isEmpty)
        }
    }

    @Test("with --half-close keep, a client that stops sending still gets its answer")
    func halfCloseKeeps() async throws {
        try await GateHarness.with(GateHarness.configuration(halfClose: .keep)) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await client.send("\u{1}request")
            client.shutdownWrite()
            try await poll("half-closed and still pending") {
                gate.snapshot().pending.first?.callerFinishedSending == true
            }
            let request = try #require(gate.snapshot().pending.first)
            try gate.decide(request.id, .accept, by: .operator(Operator()))
            #expect(String(decoding: try await client.readToEnd(), as: UTF8.self) == "\u{1}request")
            try await gate.waitForCounters("accepted") { $0.accepted == 1 && $0.withdrawn == 0 }
        }
    }

    @Test("the pending timeout rejects", .timeLimit(.minutes(1)))
    func timeoutRejects() async throws {
        let configuration = GateHarness.configuration(timeout: .milliseconds(300), rejectMessage: "too late\n")
        try await GateHarness.with(configuration) { gate, port, log in
            let start = ContinuousClock.now
            let client = try await TCPClient.gate(port)
            let answer = try await client.readToEnd()
            let waited = ContinuousClock.now - start
            #expect(String(decoding: answer, as: UTF8.self) == "too late\n")
            #expect(waited >= .milliseconds(250), "answered after \(waited), before the timeout")
            try await gate.waitForCounters("expired") { $0.expired == 1 }
            try await log.waitFor("expired", "id=r1", "action=reject", "by=timeout")
        }
    }

    @Test("the pending timeout with action accept proxies the request")
    func timeoutAccepts() async throws {
        let configuration = GateHarness.configuration(timeout: .milliseconds(200), timeoutAction: .accept)
        try await GateHarness.with(configuration) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("200 OK"))
            try await gate.waitForCounters("expired") { $0.expired == 1 && $0.accepted == 0 }
        }
    }

    @Test("a full queue pauses accepting: later clients wait in the kernel backlog, then arrive")
    func overflowPause() async throws {
        try await GateHarness.with(GateHarness.configuration(maxPending: 2)) { gate, port, log in
            let first = try await TCPClient.gate(port)
            let second = try await TCPClient.gate(port)
            _ = try await gate.waitForPending(2)
            let third = try await TCPClient.gate(port)  // the kernel completes it; usher does not take it
            try await poll("paused") { gate.snapshot().listeners[0].isPaused }
            try await poll("the third client waiting in the kernel's accept queue", every: .milliseconds(50), timeout: .seconds(30)) {
                try await KernelBacklog.queue(port: port)?.depth == 1
            }
            #expect(gate.snapshot().counters.arrived == 2)
            try await log.waitFor("paused")
            let oldest = try #require(gate.snapshot().pending.first)
            try gate.decide(oldest.id, .reject(.close), by: .operator(Operator()))
            try await poll("the third arrives") { gate.snapshot().counters.arrived == 3 }
            #expect(gate.snapshot().pending.count == 2)
            _ = try await first.waitForClose()
            _ = (second, third)
        }
    }

    @Test("overflow reset refuses clients beyond the limit at once")
    func overflowReset() async throws {
        try await GateHarness.with(GateHarness.configuration(maxPending: 1, overflow: .reset)) { gate, port, log in
            let first = try await TCPClient.gate(port)
            _ = try await gate.waitForPending(1)
            #expect(try await TCPClient.closeSeenByNewClient(port: port) == .reset)
            try await gate.waitForCounters("overflowed") { $0.overflowed == 1 && $0.pending == 1 }
            try await log.waitFor("overflowed", "id=r2")
            _ = first
        }
    }

    @Test("the backlog is clamped to the configured net.core.somaxconn and the clamp is logged")
    func backlogClamp() async throws {
        let somaxconn = 128
        var configuration = GateHarness.configuration(backlog: somaxconn + 1000)
        configuration.somaxconn = somaxconn
        try await GateHarness.with(configuration) { _, _, log in
            try await log.waitFor("warning", "backlog clamped", "requested=\(somaxconn + 1000)", "effective=\(somaxconn)")
            try await log.waitFor("listening", "backlog=\(somaxconn)")
        }
    }

    @Test("a graceful stop applies the timeout action to pending requests")
    func shutdownWithPending() async throws {
        try await GateHarness.with(GateHarness.configuration(rejectMessage: "stopping\n")) { gate, port, log in
            let client = try await TCPClient.gate(port)
            _ = try await gate.waitForPending(1)
            await gate.shutdown()
            let answer = try await client.readToEnd()
            #expect(String(decoding: answer, as: UTF8.self) == "stopping\n")
            #expect(gate.snapshot().counters.expired == 1)
            try await log.waitFor("expired", "by=shutdown")
            await #expect(throws: TCPClientError.self) { _ = try await TCPClient.gate(port) }
        }
    }

    @Test("a port in use is a typed error naming the address")
    func portInUse() async throws {
        let busy = try StuckListener(backlog: 1)
        let configuration = GateHarness.configuration(listen: [Endpoint(host: "127.0.0.1", port: busy.port)])
        let error = await #expect(throws: GateError.self) {
            try await GateHarness.with(configuration) { _, _, _ in }
        }
        #expect(error?.description == "cannot listen on 127.0.0.1:\(busy.port): address already in use")
    }
}
