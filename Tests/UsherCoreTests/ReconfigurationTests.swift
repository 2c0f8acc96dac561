import Testing
import UsherCore

/// A configuration read again while requests wait: listeners come and go, settings apply to new
/// requests, nothing queued is lost.
@Suite("Provider core: reconfiguration")
struct ReconfigurationTests {
    @Test("an added listener gets the next ID and its own overrides; a closed one keeps its queue and takes nothing new")
    func addAndClose() throws {
        var core = CoreFixtures.core(policy: .ask)
        let (first, _) = core.queued()
        let id = try #require(first)
        let added = core.addListener(ListenerConfiguration(
            endpoint: Endpoint(host: "127.0.0.1", port: 9090), overrides: ListenerOverrides(policy: .accept)))
        #expect(added == ListenerID(1))
        #expect(core.configuration(for: added).policy == .accept)
        core.closeListener(ListenerID(0))
        #expect(core.listeners[0].isClosed)
        #expect(core.admissionLimit(for: ListenerID(0)) == .pendingQueue, "a closed listener admits nothing")
        #expect(core.request(id)?.state == .pending, "what it queued is still there")
        let output = try core.decide(id, .accept, by: .operator(Operator()), at: CoreFixtures.seconds(1))
        #expect(output.actions.contains(.connection(id, .connectUpstream)))
        #expect(!output.actions.contains { if case .listener(ListenerID(0), .resumeAccepting) = $0 { true } else { false } },
                "a closed listener is never resumed")
    }

    @Test("new settings decide new requests; a listener paused at its limit takes connections again when the limit grows")
    func settingsAndLimits() throws {
        var core = CoreFixtures.core(policy: .ask, maxPending: 1)
        _ = core.queued()
        let (outcome, _) = core.arrive(on: ListenerID(0), peer: CoreFixtures.peer(2), local: CoreFixtures.local, at: .zero)
        #expect(outcome == .parked)
        #expect(core.listeners[0].isPaused)
        let output = core.reconfigure(
            ProviderConfiguration(policy: .accept, maxPending: 5), overrides: [:], at: CoreFixtures.seconds(1))
        #expect(output.actions.contains(.listener(ListenerID(0), .resumeAccepting)))
        #expect(core.listeners[0].limit == 5)
        #expect(core.configuration(for: ListenerID(0)).policy == .accept)
        let (next, accepted) = core.queued(port: 40_002, at: CoreFixtures.seconds(2))
        let id = try #require(next)
        #expect(accepted.actions.contains(.connection(id, .connectUpstream)), "the new policy decides the new request")
    }
}
