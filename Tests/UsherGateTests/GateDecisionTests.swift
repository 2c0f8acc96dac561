import NIOConcurrencyHelpers
import Testing
import UsherCore
import UsherGate
import UsherTestSupport

/// Each decision, driven by real clients on loopback, reaches the client as it should.
@Suite("Gate decisions", .timeLimit(.minutes(1)))
struct GateDecisionTests {
    @Test("policy accept proxies to the demo upstream, which answers HTTP")
    func policyAccept() async throws {
        try await GateHarness.with(GateHarness.configuration(policy: .accept)) { gate, port, log in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
            #expect(answer.contains("You sent: GET /hello HTTP/1.1"))
            try await gate.waitForCounters("one accepted") { $0.accepted == 1 }
            #expect(gate.snapshot().listeners.first?.endpoint == Endpoint(host: "127.0.0.1", port: port))
            try await log.waitFor("info", "arrived", "id=r1")
            try await log.waitFor("info", "accepted", "id=r1", "by=policy")
        }
    }

    @Test("an operator accepts a held request; its caller data reaches the upstream first")
    func operatorAccepts() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            try await poll("caller data captured") {
                gate.snapshot().pending.first?.callerData.totalCount == httpRequest.utf8.count
            }
            let request = try #require(gate.snapshot().pending.first)
            #expect(request.state == .pending)
            #expect(request.outcomes.map(\.verdict) == [.ask])
            #expect(String(decoding: request.callerData.bytes, as: UTF8.self) == httpRequest)
            #expect(try await client.staysQuiet(for: .milliseconds(200)), "nothing reaches the client before the decision")
            try gate.decide(request.id, .accept, by: .operator(Operator(pid: 42)))
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("You sent: GET /hello HTTP/1.1"))
            try await gate.waitForCounters("accepted") { $0.accepted == 1 }
        }
    }

    @Test("reject sends the reply, then closes in order")
    func rejectWithMessage() async throws {
        let reply = "HTTP/1.0 503 busy\r\n\r\n"
        try await GateHarness.with(GateHarness.configuration(rejectMessage: reply)) { gate, port, log in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            let request = try #require(try await gate.waitForPending(1).first)
            try gate.decide(request.id, .reject(Rejection(mode: .close, message: Array(reply.utf8))), by: .operator(Operator(pid: 7)))
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer == reply)
            try await gate.waitForCounters("rejected") { $0.rejected == 1 }
            try await log.waitFor("rejected", "id=r1", "by=pid 7", "mode=close")
        }
    }

    @Test("reset makes the client see ECONNRESET")
    func reset() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            try await client.send("hello")
            let request = try #require(try await gate.waitForPending(1).first)
            try gate.decide(request.id, .reject(.reset), by: .operator(Operator()))
            #expect(try await client.waitForClose() == .reset)
            try await gate.waitForCounters("rejected") { $0.rejected == 1 }
        }
    }

    @Test("a deferred request is pending again after the deferral, then can be accepted")
    func deferThenAccept() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, log in
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            let request = try #require(try await gate.waitForPending(1).first)
            try gate.decide(request.id, .deferral(.seconds(2)), by: .operator(Operator()))
            guard case .deferred = gate.snapshot().pending.first?.state else {
                Issue.record("not deferred: \(String(describing: gate.snapshot().pending.first?.state))")
                return
            }
            try await poll("pending again") { gate.snapshot().pending.first?.state == .pending }
            try await log.waitFor("undeferred", "id=r1")
            try gate.decide(request.id, .accept, by: .operator(Operator()))
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("200 OK"))
        }
    }

    @Test("deciding twice is a typed error naming who decided first")
    func decidingTwice() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let client = try await TCPClient.gate(port)
            let request = try #require(try await gate.waitForPending(1).first)
            try gate.decide(request.id, .reject(.close), by: .operator(Operator(pid: 11)))
            let error = #expect(throws: LifecycleError.self) {
                try gate.decide(request.id, .accept, by: .operator(Operator(pid: 12)))
            }
            #expect(error?.description == "r1: already rejected by pid 11")
            #expect(throws: LifecycleError.unknownRequest(RequestID(999))) {
                try gate.decide(RequestID(999), .accept, by: .operator(Operator()))
            }
            _ = try await client.waitForClose()
        }
    }

    @Test("observers see every event in order and may decide from inside the callback")
    func observerDecides() async throws {
        try await GateHarness.with(GateHarness.configuration()) { gate, port, _ in
            let seen = NIOLockedValueBox<[String]>([])
            gate.observe { event in
                guard case .request(let step) = event.event else { return }
                seen.withLockedValue { $0.append("\(step.kind.name) \(step.request.id)") }
                if step.kind == .arrived {
                    try? gate.decide(step.request.id, .accept, by: .rule("test"))
                }
            }
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("200 OK"))
            try await poll("accepted") { seen.withLockedValue { $0.last } == "accepted r1" }
            // The request's bytes may arrive before the observer's decision does: data steps come
            // when they come.
            #expect(seen.withLockedValue { $0 }.filter { !$0.hasPrefix("data ") } == ["arrived r1", "outcome r1", "outcome r1", "accepted r1"])
        }
    }
}
