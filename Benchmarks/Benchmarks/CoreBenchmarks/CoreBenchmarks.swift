import Benchmark
import UsherCore

/// The provider core's cost per request, without any IO: what every connection pays before
/// SwiftNIO and the kernel.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        maxDuration: .seconds(3))

    let local = Endpoint(host: "127.0.0.1", port: 8080)

    Benchmark("accepted request (arrive, policy accept, upstream connected)") { benchmark in
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .accept), listeners: [.standard])
        var now = Moment(nanoseconds: 1)
        for iteration in benchmark.scaledIterations {
            now = now + .microseconds(10)
            let (outcome, _) = core.arrive(
                on: ListenerID(0), peer: Endpoint(host: "192.0.2.1", port: 1024 + iteration % 60_000),
                local: local, at: now)
            if case .queued(let id) = outcome {
                blackHole(try? core.upstreamConnected(id, at: now))
            }
        }
    }

    Benchmark("10,000 operator decisions with 10,000 pending") { benchmark in
        var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [.standard])
        let now = Moment(nanoseconds: 1)
        var ids: [RequestID] = []
        for index in 0..<10_000 {
            let (outcome, _) = core.arrive(
                on: ListenerID(0), peer: Endpoint(host: "192.0.2.1", port: index), local: local, at: now)
            if case .queued(let id) = outcome { ids.append(id) }
        }
        benchmark.startMeasurement()
        for id in ids {
            blackHole(try? core.decide(id, .deferral(.seconds(5)), by: .policy, at: now))
        }
        benchmark.stopMeasurement()
    }
}
