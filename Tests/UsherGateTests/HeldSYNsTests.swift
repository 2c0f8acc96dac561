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
        #expect(held.syn(tuple, packet: 1, at: start) == .new)
        held.hold(tuple, packet: 1, request: RequestID(7), at: start)
        #expect(held.syn(tuple, packet: 2, at: start + .seconds(1)) == .retransmit(RequestID(7), dropping: 1, count: 1))
        #expect(held.syn(tuple, packet: 3, at: start + .seconds(2)) == .retransmit(RequestID(7), dropping: 2, count: 2))
        #expect(held.retransmits(of: RequestID(7)) == [.seconds(1), .seconds(2)])
        #expect(held.release(RequestID(7), verdict: .accept, at: start + .seconds(3)) == 3, "the newest gets the verdict")
        #expect(held.count == 0)
    }

    @Test("after a decision, the tuple's late SYNs get the same verdict, for a while")
    func decidedMemory() {
        var held = HeldSYNs()
        held.hold(tuple, packet: 1, request: RequestID(1), at: start)
        _ = held.release(RequestID(1), verdict: .refuse, at: start)
        #expect(held.syn(tuple, packet: 2, at: start + .seconds(1)) == .decided(.refuse))
        #expect(held.syn(tuple, packet: 3, at: start + .seconds(11)) == .new, "a new connection request after 10 s")
        held.hold(tuple, packet: 3, request: RequestID(2), at: start + .seconds(11))
        _ = held.release(RequestID(2), verdict: .drop, at: start + .seconds(11))
        #expect(held.syn(tuple, packet: 4, at: start + .seconds(100)) == .decided(.drop), "a dropped client retries for minutes")
    }

    @Test("a client is silent once twice its last interval and a second pass without a SYN")
    func silence() {
        var held = HeldSYNs()
        held.hold(tuple, packet: 1, request: RequestID(1), at: start)
        #expect(held.silent(at: start + .milliseconds(3900)).isEmpty, "the first retransmit may take 3 s")
        #expect(held.silent(at: start + .milliseconds(4100)) == [RequestID(1)])
        _ = held.syn(tuple, packet: 2, at: start + .seconds(1))
        _ = held.syn(tuple, packet: 3, at: start + .seconds(2))
        #expect(held.silent(at: start + .milliseconds(4900)).isEmpty)
        #expect(held.silent(at: start + .milliseconds(5100)) == [RequestID(1)], "2 s + 2 × 1 s + 1 s")
    }
}
