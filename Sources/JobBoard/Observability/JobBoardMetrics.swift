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

    // Descriptors are made per call: `MetricNameDescriptor` is not Sendable, so it cannot be a shared static.
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "evenkeel", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered.")
    }

    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "evenkeel", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time to answer an HTTP request.")
    }

    public init(usage: DatabaseUsage, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.usage = usage
        self.dbInFlight = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "evenkeel", metricName: "db_operations_in_flight", unitName: "",
                helpText: "Database operations running now (pool use)."))
        self.dbTotal = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "evenkeel", metricName: "db_operations_started", unitName: "",
                helpText: "Database operations started since the replica began."))
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// The Prometheus text exposition, with the database gauges read now.
    public func exposition() -> String {
        dbInFlight.set(to: Double(usage.inFlight))
        dbTotal.set(to: Double(usage.total))
        return registry.emitToString()
    }
}
