import Testing
import UsherGate
import UsherTestSupport

/// The gate's own tests again, with the connections on SwiftNIO's channels instead of the data
/// plane's epoll loops, while that path remains: the same behaviour is the contract
/// (`USHER_DATA_PATH=nio swift test` runs every test so).
@Suite("The gate on the SwiftNIO data path", .timeLimit(.minutes(2)))
struct SwiftNIODataPathTests {
    func onSwiftNIO(_ body: () async throws -> Void) async throws {
        try await GateHarness.$dataPath.withValue(.swiftNIO) { try await body() }
    }

    @Test("decisions: policy, operator, reject with message, reset, defer, twice, from an observer")
    func decisions() async throws {
        try await onSwiftNIO {
            let tests = GateDecisionTests()
            try await tests.policyAccept()
            try await tests.operatorAccepts()
            try await tests.rejectWithMessage()
            try await tests.reset()
            try await tests.deferThenAccept()
            try await tests.decidingTwice()
            try await tests.observerDecides()
        }
    }

    @Test("lifecycle: withdrawal, half-close, timeouts, overflow, backlog clamp, graceful stop, port in use")
    func lifecycle() async throws {
        try await onSwiftNIO {
            let tests = GateLifecycleTests()
            try await tests.withdrawal(byReset: false)
            try await tests.withdrawal(byReset: true)
            try await tests.halfCloseWithdraws()
            try await tests.halfCloseKeeps()
            try await tests.timeoutRejects()
            try await tests.timeoutAccepts()
            try await tests.overflowPause()
            try await tests.overflowReset()
            try await tests.backlogClamp()
            try await tests.shutdownWithPending()
            try await tests.portInUse()
        }
    }

    @Test("proxy: 1 MiB byte-exact with half-close, caller data kept, upstream down, IPv6, nothing lingers")
    func proxy() async throws {
        try await onSwiftNIO {
            let tests = GateProxyTests()
            try await tests.oneMebibyteRoundTrip()
            try await tests.halfClose()
            try await tests.callerDataIsNotLost()
            try await tests.upstreamDown()
            try await tests.ipv6()
            try await tests.nothingLingers()
        }
    }

    @Test("events reach observers off the loops, in the core's order")
    func events() async throws {
        try await onSwiftNIO { try await EventDeliveryTests().offTheLoops() }
    }
}
