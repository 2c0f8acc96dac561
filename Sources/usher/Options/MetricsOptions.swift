import ArgumentParser
import UsherCore

/// Whether `usher serve` and `usher run` serve Prometheus metrics, and where.
struct MetricsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://HOST:PORT/metrics (127.0.0.1:9464, say; port 0 picks one). (default: none)",
            valueName: "host:port"),
        transform: ArgumentParsing.endpoint)
    var metrics: Endpoint?

    @Flag(help: "With --metrics: every listener of the host too, with its kernel accept queue, not only usher's own.")
    var metricsHost = false

    func validate() throws {
        if metricsHost && metrics == nil { throw ValidationError("--metrics-host needs --metrics HOST:PORT") }
    }
}
