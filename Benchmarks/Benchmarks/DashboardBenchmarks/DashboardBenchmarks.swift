import Benchmark
import Foundation
import UsherWire
import UsherCore
import UsherDashboard

/// The dashboard's cost per frame with a deep pending queue: filtering, sorting and drawing
/// the pending table into a canvas (the terminal then only copies the cells that changed).
/// Target: 10 ms a frame or less with 10,000 pending requests.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    Benchmark("render a 200x50 frame, 10,000 pending") { benchmark in
        let (dashboard, now) = pendingDashboard(count: 10_000, width: 200, height: 50)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(dashboard.render(now: now)) }
    }

    Benchmark("reverse the order (S) and render, 10,000 pending, 5,000 shown by a filter, by peer") { benchmark in
        var (dashboard, now) = pendingDashboard(count: 10_000, width: 200, height: 50)
        for key in "/203.0.113" { _ = dashboard.press(.character(key), now: now) }
        _ = dashboard.press(.enter, now: now)
        _ = dashboard.press(.character("s"), now: now)
        _ = dashboard.press(.character("s"), now: now)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            // Each S changes the order, so the rows are filtered and sorted again.
            blackHole(dashboard.press(.character("S"), now: now))
            blackHole(dashboard.render(now: now))
        }
    }

    Benchmark("apply 10,000 arrivals") { benchmark in
        let (events, now) = arrivals(count: 10_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var dashboard = Dashboard(width: 200, height: 50, options: DashboardOptions(bell: false))
            for event in events { blackHole(dashboard.receive(event, now: now)) }
            dashboard.settle()
        }
    }
}

/// `count` arrival events of requests with an HTTP request line, from the provider core.
func arrivals(count: Int) -> ([ControlMessage], Date) {
    var core = ProviderCore(configuration: ProviderConfiguration(policy: .ask), listeners: [.standard])
    let clock = WireClock(now: Moment(nanoseconds: 1))
    let local = Endpoint(host: "127.0.0.1", port: 8080)
    var events: [ControlMessage] = []
    for index in 0..<count {
        let peer = Endpoint(host: ["203.0.113.\(index % 250)", "198.51.100.\(index % 250)"][index % 2], port: 1024 + index % 60_000)
        let at = Moment(nanoseconds: 1_000 + UInt64(index) * 1_000)
        guard case .queued(let id) = core.arrive(on: ListenerID(0), peer: peer, local: local, at: at).0 else { continue }
        _ = try? core.received(Array("GET /item/\(index) HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8), for: id, at: at)
        guard let request = core.request(id) else { continue }
        let event = WireEvent(
            seq: UInt64(index + 1), at: clock.text(at), detail: .request(.arrived, WireRequest(request, clock: clock, at: at)))
        events.append(.event(event))
    }
    return (events, clock.wallNow)
}

/// A dashboard holding `count` pending requests.
func pendingDashboard(count: Int, width: Int, height: Int) -> (Dashboard, Date) {
    let (events, now) = arrivals(count: count)
    var dashboard = Dashboard(width: width, height: height, options: DashboardOptions(bell: false))
    for event in events { _ = dashboard.receive(event, now: now) }
    dashboard.settle()
    dashboard.tick(now: now)
    return (dashboard, now)
}
