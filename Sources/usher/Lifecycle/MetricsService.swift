#if canImport(Glibc)
import Glibc
#endif
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import UsherCore
import UsherGate
import UsherMetrics

/// Prometheus metrics of a running gate (or guard) at `--metrics HOST:PORT`: read from the gate (and the
/// host's sampler) at each scrape, and from its events as they come. Stops serving at the
/// group's shutdown.
struct MetricsService: Service {
    let server: MetricsServer
    let logger: Logger

    /// Starts serving; an address that cannot be bound is a ``CommandFailure`` (exit 1).
    static func start(
        _ options: MetricsOptions, provider: any Provider, host: HostFeed?, group: any EventLoopGroup, logger: Logger
    ) async throws -> MetricsService? {
        guard let endpoint = options.metrics else { return nil }
        let metrics = GateMetrics(hostListeners: options.metricsHost)
        // Anything that counts through swift-metrics lands beside usher's own.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        provider.observe({ metrics.record($0) }, demand: EventDemand(GateMetrics.interest))
        let pid = getpid()
        let server: MetricsServer
        do {
            server = try await MetricsServer.start(host: endpoint.host, port: endpoint.port, group: group) {
                metrics.scrape(GateMetrics.Reading(
                    snapshot: provider.snapshot(includingPending: true), rules: provider.rulesInForce(), host: host?.latestView, pid: pid,
                    pendingTimeout: provider.providerConfiguration.pendingTimeout))
            }
        } catch {
            throw CommandFailure("--metrics \(endpoint): cannot listen: \(error)", code: .runtime)
        }
        let address = server.address.ipAddress.map { "\($0):\(server.address.port ?? endpoint.port)" } ?? "\(endpoint)"
        logger.info("metrics", metadata: ["url": "http://\(address)/metrics"])
        return MetricsService(server: server, logger: logger)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}
