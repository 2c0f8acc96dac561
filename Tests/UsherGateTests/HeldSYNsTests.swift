import Testing
@testable import UsherGate
import UsherCore

/// The guard's table of held SYNs: one request per client 4-tuple across retransmits.
@Suite("Guard: held SYNs")
struct HeldSYNsTests {
    let tuple = HeldSYNs.Tuple(client: Endpoint(host: "127.0.0.1", port: 40_000), server: Endpoint(host: "127.0.0.1", port: 8080))
    let start = Moment.now

    @Test("retransmits replace the held packet (the older one is to be dropped) and stay one request")
    func retransmits() {
        var held = HeldSYNs()
        #expect(held.syn(tuple, packet: 1, sequence: 100, at: start) == .new)
        held.hold(tuple, packet: 1, sequence: 100, request: RequestID(7), at: start)
        #expect(held.syn(tuple, packet: 2, sequence: 100, at: start + .seconds(1)) == .retransmit(RequestID(7), dropping: 1, count: 1))
        #expect(held.syn(tuple, packet: 3, sequence: 100, at: start + .seconds(2)) == .retransmit(RequestID(7), dropping: 2, count: 2))
        #expect(held.retransmits(of: RequestID(7)) == [.seconds(1), .seconds(2)])
        #expect(held.release(RequestID(7), verdict: .accept, at: start + .seconds(3)) == 3, "the newest gets the verdict")
        #expect(held.count == 0)
    }

    @Test("after a decision, the retransmits of that SYN get the same verdict as long as a client retransmits; a new attempt is a new request")
    func decidedMemory() {
        var held = HeldSYNs()
        held.hold(tuple, packet: 1, sequence: 100, request: RequestID(1), at: start)
        _ = held.release(RequestID(1), verdict: .accept, at: start)
        #expect(held.syn(tuple, packet: 2, sequence: 100, at: start + .seconds(1)) == .decided(.accept))
        #expect(held.syn(tuple, packet: 3, sequence: 100, at: start + .seconds(120)) == .decided(.accept), "a server that dropped it")
        #expect(held.syn(tuple, packet: 4, sequence: 555, at: start + .seconds(2)) == .new, "another sequence number: a new attempt")
        #expect(held.syn(tuple, packet: 5, sequence: 100, at: start + .seconds(131)) == .new, "past every retransmit")
    }

    @Test("a client is silent once twice its last interval and a second pass without a SYN")
    func silence() {
        var held = HeldSYNs()
        held.hold(tuple, packet: 1, sequence: 100, request: RequestID(1), at: start)
        #expect(held.silent(at: start + .milliseconds(3900)).isEmpty, "the first retransmit may take 3 s")
        #expect(held.silent(at: start + .milliseconds(4100)) == [RequestID(1)])
        _ = held.syn(tuple, packet: 2, sequence: 100, at: start + .seconds(1))
        _ = held.syn(tuple, packet: 3, sequence: 100, at: start + .seconds(2))
        #expect(held.silent(at: start + .milliseconds(4900)).isEmpty)
        #expect(held.silent(at: start + .milliseconds(5100)) == [RequestID(1)], "2 s + 2 × 1 s + 1 s")
    }
}
