import Testing
import UsherCore
@testable import UsherKernel

@Suite("Host sampler: history, saturation, drop estimates", .timeLimit(.minutes(1)))
struct HostSamplerTests {
    private func socket(_ port: UInt16, depth: Int, limit: Int = 5) -> ListeningSocket {
        ListeningSocket(
            family: .ipv4, address: [127, 0, 0, 1], port: port, depth: depth, limit: limit, inode: UInt64(port),
            cookie: UInt64(port))
    }

    private func sample(at second: UInt64, _ sockets: [ListeningSocket], overflows: UInt64 = 0) -> HostSample {
        HostSample(
            at: Moment(nanoseconds: second * 1_000_000_000), sockets: sockets,
            counters: ListenCounters(overflows: overflows, drops: overflows + 1), somaxconn: 4096)
    }

    @Test("depth history is kept per listener, capped, oldest first")
    func history() {
        var sampler = HostSampler(historyLength: 3)
        var view = sampler.record(sample(at: 1, [socket(80, depth: 0)]))
        for (second, depth) in [(2, 1), (3, 2), (4, 3)] {
            view = sampler.record(sample(at: UInt64(second), [socket(80, depth: depth)]))
        }
        #expect(view.listeners.first?.history == [1, 2, 3])
        #expect(view.interval == .seconds(1))
    }

    @Test("a full queue is saturated from the sample it fills; the time full adds up; it clears")
    func saturation() {
        var sampler = HostSampler()
        _ = sampler.record(sample(at: 1, [socket(80, depth: 2)]))
        var view = sampler.record(sample(at: 2, [socket(80, depth: 5)]))
        #expect(view.listeners[0].isSaturated)
        #expect(view.listeners[0].saturatedSince == Moment(nanoseconds: 2_000_000_000))
        #expect(view.saturatedCount == 1)
        view = sampler.record(sample(at: 4, [socket(80, depth: 6)]))
        #expect(view.listeners[0].saturatedTime == .seconds(2))
        view = sampler.record(sample(at: 5, [socket(80, depth: 1)]))
        #expect(!view.listeners[0].isSaturated)
        #expect(view.listeners[0].saturatedTime == .seconds(2))
    }

    @Test("new host overflows are shared among the full listeners; the deepest gets the remainder")
    func dropEstimates() {
        var sampler = HostSampler()
        _ = sampler.record(sample(at: 1, [socket(80, depth: 5), socket(81, depth: 9, limit: 8), socket(82, depth: 0)], overflows: 10))
        let view = sampler.record(sample(at: 3, [socket(80, depth: 5), socket(81, depth: 9, limit: 8), socket(82, depth: 0)], overflows: 15))
        let drops = Dictionary(uniqueKeysWithValues: view.listeners.map { ($0.socket.port, $0.dropsEstimate) })
        #expect(drops == [80: 2, 81: 3, 82: 0])
        #expect(view.overflowsPerSecond == 2.5)
        #expect(view.dropsPerSecond == 2.5)
    }

    @Test("a listener gone from the kernel is gone from the view; one that comes back starts afresh")
    func disappearance() {
        var sampler = HostSampler()
        _ = sampler.record(sample(at: 1, [socket(80, depth: 1), socket(81, depth: 0)]))
        var view = sampler.record(sample(at: 2, [socket(81, depth: 0)]))
        #expect(view.listeners.map(\.socket.port) == [81])
        view = sampler.record(sample(at: 3, [socket(80, depth: 0), socket(81, depth: 0)]))
        #expect(view.listeners.first?.history == [0])
    }

    @Test("a counter that goes backwards (a reset) gives no rate rather than a huge one")
    func counterReset() {
        var sampler = HostSampler()
        _ = sampler.record(sample(at: 1, [], overflows: 100))
        let view = sampler.record(sample(at: 2, [], overflows: 3))
        #expect(view.overflowsPerSecond == nil)
    }

    @Test("an empty queue with limit 0 is not full")
    func zeroLimit() {
        #expect(!socket(80, depth: 0, limit: 0).isSaturated)
        #expect(socket(80, depth: 1, limit: 0).isSaturated)
    }
}

@Suite("/proc/net/netstat and somaxconn", .timeLimit(.minutes(1)))
struct HostCountersTests {
    @Test("the TcpExt pair gives ListenOverflows and ListenDrops")
    func parse() {
        let text = """
            TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPHPHits
            TcpExt: 0 17 19 5
            IpExt: InNoRoutes
            IpExt: 0
            """
        #expect(ListenCounters.parse(netstat: text) == ListenCounters(overflows: 17, drops: 19))
    }

    @Test("missing, misaligned or non-numeric fields give nothing", arguments: [
        "", "TcpExt: ListenOverflows ListenDrops", "TcpExt: ListenOverflows ListenDrops\nTcpExt: 1",
        "TcpExt: ListenOverflows ListenDrops\nTcpExt: x 2", "IpExt: ListenOverflows ListenDrops\nIpExt: 1 2",
    ])
    func malformed(text: String) {
        #expect(ListenCounters.parse(netstat: text) == nil)
    }

    @Test("this host's counters and somaxconn can be read")
    func thisHost() {
        #expect(HostSettings.listenCounters() != nil)
        #expect((HostSettings.somaxconn() ?? 0) > 0)
    }
}
