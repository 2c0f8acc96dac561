import Dispatch
import NIOConcurrencyHelpers
import NIOPosix
import Testing
@testable import UsherGate
import UsherCore
import UsherTestSupport

/// How events reach observers: off the event loops, in order, and with a bound.
@Suite("Event delivery", .timeLimit(.minutes(1)))
struct EventDeliveryTests {
    static func arrival(_ port: Int) -> ProviderEvent {
        let request = Request(
            id: RequestID(UInt64(port)), listener: ListenerID(0), peer: Endpoint(host: "192.0.2.1", port: port),
            local: Endpoint(host: "127.0.0.1", port: 8080), arrivedAt: .zero)
        return .request(RequestEvent(kind: .arrived, request: request, at: .zero))
    }

    @Test("observers run on the event thread, never on an event loop, in the core's order")
    func offTheLoops() async throws {
        let seen = NIOLockedValueBox<[(UInt64, Bool)]>([])
        try await GateHarness.with(GateHarness.configuration(policy: .accept)) { gate, port, _ in
            gate.observe { event in
                let onLoop = MultiThreadedEventLoopGroup.currentEventLoop != nil
                seen.withLockedValue { $0.append((event.sequence, onLoop)) }
            }
            let client = try await TCPClient.gate(port)
            try await client.send(httpRequest)
            _ = try await client.readToEnd()
            try await poll("the accepted event") { seen.withLockedValue { $0.count >= 3 } }
        }
        let events = seen.withLockedValue { $0 }
        #expect(events.allSatisfy { !$0.1 }, "an observer ran on an event loop")
        #expect(events.map(\.0) == events.map(\.0).sorted())
    }

    @Test("past its capacity the queue drops and counts events; delivery goes on after")
    func bounded() async {
        let fanout = EventFanout(capacity: 2)
        let gate = DispatchSemaphore(value: 0)
        let seen = NIOLockedValueBox<[UInt64]>([])
        let started = NIOLockedValueBox(false)
        fanout.add { event in
            if event.sequence == 1 {
                started.withLockedValue { $0 = true }
                gate.wait()
            }
            seen.withLockedValue { $0.append(event.sequence) }
        }
        fanout.enqueue([Self.arrival(1)])
        fanout.deliver()
        // The observer now blocks on event 1; two more fit, three are dropped.
        try? await poll("the observer to start") { started.withLockedValue { $0 } }
        fanout.enqueue((2...6).map(Self.arrival))
        fanout.deliver()
        #expect(fanout.droppedCount == 3)
        gate.signal()
        await fanout.flush()
        fanout.enqueue([Self.arrival(7)])
        await fanout.flush()
        #expect(seen.withLockedValue { $0 } == [1, 2, 3, 7], "4, 5 and 6 were dropped; 7 shows the gap")
    }

    @Test("the delivery thread ends after a while without events, and the next event starts it again")
    func threadComesAndGoes() async throws {
        let fanout = EventFanout()
        let seen = NIOLockedValueBox<[UInt64]>([])
        fanout.add { event in seen.withLockedValue { $0.append(event.sequence) } }
        fanout.enqueue([Self.arrival(1)])
        fanout.deliver()
        await fanout.flush()
        try await poll("the idle thread to end", timeout: .seconds(30)) { !fanout.hasDeliveryThread }
        fanout.enqueue([Self.arrival(2)])
        fanout.deliver()
        await fanout.flush()
        #expect(seen.withLockedValue { $0 } == [1, 2])
    }

    static func evaluation(_ port: Int) -> ProviderEvent {
        guard case .request(var event) = arrival(port) else { return arrival(port) }
        event.kind = .evaluated
        return .request(event)
    }

    @Test("events no observer asks for are numbered, not queued; a demand that begins gets them from then on")
    func demand() async {
        let fanout = EventFanout()
        let lifecycle = NIOLockedValueBox<[UInt64]>([])
        let subscriber = NIOLockedValueBox<[UInt64]>([])
        let subscribers = EventDemand(.all, active: false)
        fanout.add({ event in lifecycle.withLockedValue { $0.append(event.sequence) } }, demand: EventDemand(.steps))
        fanout.add({ event in subscriber.withLockedValue { $0.append(event.sequence) } }, demand: subscribers)
        fanout.enqueue([Self.arrival(1), Self.evaluation(1)])
        fanout.deliver()
        await fanout.flush()
        #expect(lifecycle.withLockedValue { $0 } == [1], "the evaluation (a detail) was not built for anyone")
        #expect(fanout.lastSequence == 2, "it still has its number")
        subscribers.begin()
        fanout.enqueue([Self.arrival(2), Self.evaluation(2)])
        fanout.deliver()
        await fanout.flush()
        #expect(subscriber.withLockedValue { $0 } == [1, 3, 4], "every observer sees what any asked for")
        subscribers.end()
        fanout.enqueue([Self.evaluation(3)])
        fanout.deliver()
        await fanout.flush()
        #expect(subscriber.withLockedValue { $0 } == [1, 3, 4])
    }
}
