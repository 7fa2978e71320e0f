import Prometheus

/// The replica's metrics, in a registry of its own (not the process-global one), served at `/metrics`.
public final class JobBoardMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let usage: DatabaseUsage
    private let dbInFlight: Gauge
    private let dbTotal: Gauge

    /// Buckets from 1 ms to 10 s: the job board's answers should sit at the low end.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(usage: DatabaseUsage, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.usage = usage
        self.dbInFlight = registry.makeGauge(
            name: "evenkeel_db_operations_in_flight", help: "Database operations running now (pool use).")
        self.dbTotal = registry.makeGauge(
            name: "evenkeel_db_operations_started", help: "Database operations started since the replica began.")
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(name: "evenkeel_http_requests_total", labels: labels, help: "HTTP requests answered.")
            .increment()
        registry.makeDurationHistogram(
            name: "evenkeel_http_request_duration_seconds", labels: [("method", method), ("route", route)],
            buckets: Self.latencyBuckets, help: "Time to answer an HTTP request."
        ).record(duration)
    }

    /// The Prometheus text exposition, with the database gauges read now.
    public func exposition() -> String {
        dbInFlight.set(to: Double(usage.inFlight))
        dbTotal.set(to: Double(usage.total))
        return registry.emitToString()
    }
}
