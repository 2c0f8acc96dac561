import Foundation
import Testing
import UsherControl
import UsherWire
import UsherCore
import UsherTestSupport

@Suite("Control server: a real socket in front of a real gate", .timeLimit(.minutes(2)))
struct ControlServerTests {
    @Test("hello, snapshot and decide through the client API reach the TCP client")
    func decideThroughClient() async throws {
        try await ControlHarness.with { harness in
            let client = try await TCPClient.connect(to: "127.0.0.1", port: harness.port)
            try await client.send(httpRequest)
            try await harness.waitForPending(1)
            try await ControlClient.withConnection(to: harness.path) { control in
                let hello = try await control.hello()
                #expect(hello.role == .operator)
                #expect(hello.pid == getpid())
                let snapshot = try await control.snapshot()
                let request = try #require(snapshot.pending.first)
                #expect(request.callerData.httpRequest == "GET /hello HTTP/1.1")
                #expect(request.callerData.httpHost == "usher.test")
                #expect(request.callerData.bytes == Array(httpRequest.utf8))
                #expect(request.outcomes.map(\.verdict) == ["ask"])
                let decided = try await control.decide(DecideOperation(ids: [request.id], selector: nil, decision: .accept))
                #expect(decided == [WireDecision(request: request.id, ok: true, state: "accepted")])
                let again = try await control.decide(DecideOperation(ids: [request.id, "r99"], selector: nil, decision: .accept))
                #expect(again.map(\.ok) == [false, false])
                #expect(again[0].error?.hasSuffix("pid \(getpid()))") == true, "\(again[0].error ?? "")")
                #expect(again[1].error == "r99: no such request")
            }
            let answer = String(decoding: try await client.readToEnd(), as: UTF8.self)
            #expect(answer.contains("200 OK"))
        }
    }

    @Test("a subscriber gets the snapshot, then every event with increasing sequence numbers")
    func subscribes() async throws {
        try await ControlHarness.with(policy: .accept) { harness in
            try await ControlClient.withConnection(to: harness.path) { control in
                let snapshot = try await control.subscribe()
                #expect(snapshot.pending.isEmpty)
                let client = try await TCPClient.connect(to: "127.0.0.1", port: harness.port)
                try await client.send(httpRequest)
                _ = try await client.readToEnd()
                var kinds: [WireEventKind] = []
                var last = snapshot.seq
                while kinds.last != .accepted, let line = try await control.next() {
                    guard case .event(let event) = line.message, let seq = event.seq else { continue }
                    #expect(seq == last + 1)
                    last = seq
                    kinds.append(event.kind)
                }
                #expect(kinds == [.arrived, .outcome, .accepted])
            }
        }
    }

    /// Events dropped for subscribers so far, as `stats` tells.
    static func eventsMissed(_ path: String) async throws -> Int {
        let asker = try await TCPClient.connect(unixPath: path)
        defer { asker.close() }
        try await asker.send("{\"id\":9,\"op\":\"stats\"}\n")
        let answer = try ControlLine.decode(.init(string: try #require(try await asker.readLine(timeout: .seconds(60)))))
        guard case .stats(let stats) = answer.message else { return 0 }
        return stats.eventsMissed
    }

    @Test("a subscriber that stops reading is cut off as lagging, the gate does not wait for it, and it may subscribe again")
    func slowSubscriberIsCutOff() async throws {
        try await ControlHarness.with(policy: .accept, subscriberQueue: 16) { harness in
            let slow = try await TCPClient.connect(unixPath: harness.path)
            try await slow.send("{\"id\":1,\"op\":\"subscribe\"}\n")
            // The gate does not wait for the stuck subscriber: every request goes through (a gate
            // that waited would stall here until the test's time limit). Requests go on until the
            // subscriber is cut off, then it reads at once: it is closed 5 s after the cut-off
            // if it reads nothing, before it could see its error line.
            for index in 0..<2000 {
                let client = try await TCPClient.connect(to: "127.0.0.1", port: harness.port)
                try await client.send(httpRequest)
                _ = try await client.readToEnd()
                if index >= 50, index % 10 == 0, try await Self.eventsMissed(harness.path) > 0 { break }
            }
            var lagging: ControlError?
            while let text = try await slow.readLine(timeout: .seconds(60)) {
                let line = try ControlLine.decode(.init(string: text))
                if case .error(let error) = line.message {
                    lagging = error
                    #expect(line.id == .number(1), "the error names the subscription")
                }
            }
            let error = try #require(lagging, "the subscriber was told why before the close")
            #expect(error.code == .lagging)
            #expect(error.message.contains("events behind"))

            let again = try await TCPClient.connect(unixPath: harness.path)
            try await again.send("{\"id\":2,\"op\":\"subscribe\"}\n")
            let first = try ControlLine.decode(.init(string: try #require(try await again.readLine(timeout: .seconds(60)))))
            guard case .snapshot(let snapshot) = first.message else {
                Issue.record("expected a snapshot, got \(first)")
                return
            }
            #expect(snapshot.counters.arrived >= 50)
            let asker = try await TCPClient.connect(unixPath: harness.path)
            try await asker.send("{\"id\":3,\"op\":\"stats\"}\n")
            let answer = try ControlLine.decode(.init(string: try #require(try await asker.readLine(timeout: .seconds(60)))))
            guard case .stats(let stats) = answer.message else {
                Issue.record("expected stats, got \(answer)")
                return
            }
            #expect(stats.eventsMissed > 0)
        }
    }

    @Test("thousands of random and mutated lines: each gets an answer; a line too long ends the connection, not the daemon")
    func fuzz() async throws {
        try await ControlHarness.with { harness in
            let pending = try await TCPClient.connect(to: "127.0.0.1", port: harness.port)
            try await harness.waitForPending(1)
            let client = try await TCPClient.connect(unixPath: harness.path)
            var generator = SeededRandom("ControlServerTests.fuzz")
            let lines = FuzzLines.make(count: 3000, using: &generator)
            for chunk in lines.chunks(ofCount: 100) {
                try await client.send(chunk.flatMap { $0 + [0x0A] })
                var answered = 0
                while answered < chunk.count {
                    guard let answer = try await client.readLine() else {
                        Issue.record("connection closed after a fuzzed line")
                        return
                    }
                    let message = try ControlLine.decode(.init(string: answer))
                    if case .event = message.message { continue }  // a mutation may have subscribed
                    answered += 1
                }
            }
            let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20) + [0x0A]
            try await client.send(huge + Array("{\"id\":\"last\",\"op\":\"hello\"}\n".utf8))
            var codes: [ControlError.Code] = []
            while let text = try await client.readLine(timeout: .seconds(60)) {
                let line = try ControlLine.decode(.init(string: text))
                if case .error(let error) = line.message { codes.append(error.code) }
                if case .hello = line.message { Issue.record("a line after the one too long was read") }
            }
            #expect(codes.last == .lineTooLong, "the error, then the close")
            #expect(harness.gate.snapshot().counters.isConserved)
            pending.close()
        }
    }
}

extension Array {
    func chunks(ofCount size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
