import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import usher

/// The sampler of the host's listeners as a service of a group.
@Suite("Host sampler service", .timeLimit(.minutes(1)))
struct HostSamplerServiceTests {
    static let silent = Logger(label: "usher-test") { _ in SwiftLogNoOpLogHandler() }

    @Test("the first sample is there before the group runs; later ones reach observers")
    func samples() async throws {
        let sampler = try HostSamplerService(interval: .milliseconds(50), logger: Self.silent)
        #expect(sampler.feed.latest(history: false) != nil)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [sampler], logger: Self.silent))
        let seen = Atomic<Int>(0)
        sampler.feed.observeViews { _ in
            if seen.add(1, ordering: .relaxed).newValue == 3 { Task { await group.triggerGracefulShutdown() } }
        }
        try await group.run()
        let count = seen.load(ordering: .relaxed)
        #expect(count >= 3)
    }

    @Test("an observer that stops sampling from within its callback ends the service, without waiting on itself")
    func stopFromObserver() async throws {
        let sampler = try HostSamplerService(interval: .milliseconds(20), logger: Self.silent)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [sampler], logger: Self.silent))
        let stopping = Atomic<Bool>(false)
        sampler.feed.observeViews { _ in
            if !stopping.exchange(true, ordering: .relaxed) {
                Task { await group.triggerGracefulShutdown() }
            }
        }
        try await group.run()  // returns: the sampling task has ended, nothing joined itself
        let stopped = stopping.load(ordering: .relaxed)
        #expect(stopped)
    }
}
