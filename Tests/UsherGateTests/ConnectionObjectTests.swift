import Synchronization
import Testing
import UsherCore
@testable import UsherGate
import UsherTestSupport

/// What a connection costs on the data plane once it is over: nothing. Its objects (the held
/// client, its callbacks and the engine's record of it) hold one another while it is open, and
/// must all be freed when it ends, however it ends.
@Suite("Data-plane connection objects", .timeLimit(.minutes(1)))
struct ConnectionObjectTests {
    private func onDataPlane(_ policy: Policy, _ body: (Gate, Int) async throws -> Void) async throws {
        try await GateHarness.$dataPath.withValue(.epoll) {
            try await GateHarness.with(GateHarness.configuration(policy: policy)) { gate, port, _ in
                try await body(gate, port)
                try await poll("every connection object freed (\(gate.dataPlaneConnectionObjects ?? -1) left)", timeout: .seconds(60)) {
                    gate.dataPlaneConnectionObjects == 0
                }
            }
        }
    }

    @Test("proxied: 40 exchanges through the relay, each ended by both sides")
    func proxied() async throws {
        try await onDataPlane(.accept) { gate, port in
            for index in 0..<40 {
                let client = try await TCPClient.gate(port)
                let message = "\u{1}hello \(index)"
                let echoed = try await client.exchange(Array(message.utf8), halfCloseAfterSending: true)
                #expect(String(decoding: echoed, as: UTF8.self) == message)
                client.close()
            }
            try await gate.waitForCounters("40 accepted") { $0.accepted == 40 }
        }
    }

    @Test("a proxied connection's end is a closed event with the bytes each way, after its accepted event")
    func closedEvent() async throws {
        let seen = Mutex<[RequestEvent]>([])
        try await onDataPlane(.accept) { gate, port in
            gate.observe({ event in
                if case .request(let step) = event.event { seen.withLock { $0.append(step) } }
            }, demand: EventDemand(.all))
            let client = try await TCPClient.gate(port)
            let message = "\u{1}" + String(repeating: "x", count: 999)
            let echoed = try await client.exchange(Array(message.utf8), halfCloseAfterSending: true)
            #expect(echoed.count == 1000)
            client.close()
            try await poll("the closed event") { seen.withLock { $0.contains { $0.kind.name == "closed" } } }
        }
        let steps = seen.withLock { $0 }
        let names = steps.map(\.kind.name)
        #expect(names.firstIndex(of: "accepted").map { $0 < names.firstIndex(of: "closed") ?? 0 } == true, "\(names)")
        guard let closed = steps.last(where: { $0.kind.name == "closed" }), case .closed(let transferred) = closed.kind else { return }
        #expect(transferred == Transferred(toUpstream: 1000, toClient: 1000))
        #expect(closed.request.state == .accepted && closed.request.finishedAt != nil)
    }

    @Test("rejected: 20 clients refused by the policy read the end")
    func rejected() async throws {
        try await onDataPlane(.reject) { gate, port in
            for _ in 0..<20 {
                let client = try await TCPClient.gate(port)
                try await client.send("GET / HTTP/1.1\r\n\r\n")
                _ = try await client.readToEnd()
                client.close()
            }
            try await gate.waitForCounters("20 rejected") { $0.rejected == 20 }
        }
    }

    @Test("withdrawn: 20 clients leave while pending")
    func withdrawn() async throws {
        try await onDataPlane(.ask) { gate, port in
            for _ in 0..<20 {
                let client = try await TCPClient.gate(port)
                _ = try await gate.waitForPending(1)
                client.close()
                try await poll("the request withdrawn", timeout: .seconds(60)) { gate.snapshot().pending.isEmpty }
            }
            try await gate.waitForCounters("20 withdrawn") { $0.withdrawn == 20 }
        }
    }
}
