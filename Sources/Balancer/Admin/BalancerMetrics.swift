import BalancerAPI
import BalancerConfig
import Prometheus
import Synchronization

/// The balancer's Prometheus metrics, in a registry owned by this balancer instance (the global
/// `MetricsSystem` is never bootstrapped, so several balancers — or a balancer inside a test — never mix).
///
/// Latency histograms are recorded as responses complete; counters and gauges are brought up to date
/// from the live state when `/metrics` is scraped.
public final class BalancerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let exported = Mutex<[String: Int]>([:])
    private let reloadApplied: Counter
    private let reloadRefused: Counter
    private let lastReloadSuccess: Gauge

    /// Histogram bucket bounds for request latency.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Creates the registry and the balancer-wide metrics.
    public init() {
        let reloads = MetricNameDescriptor(
            namespace: BalancerMetricName.namespace, metricName: BalancerMetricName.configReload.rawValue, unitName: "total",
            helpText: "Configuration reload attempts by result")
        reloadApplied = registry.makeCounter(descriptor: reloads, labels: [("result", "applied")])
        reloadRefused = registry.makeCounter(descriptor: reloads, labels: [("result", "refused")])
        lastReloadSuccess = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: BalancerMetricName.namespace, metricName: BalancerMetricName.configLastReloadSuccess.rawValue, unitName: "seconds",
                helpText: "Unix time of the last successful configuration load or reload"))
    }

    /// Counts a reload attempt; a successful one also sets the last-success timestamp.
    func recordReload(applied: Bool, at time: Double) {
        if applied {
            reloadApplied.increment()
            lastReloadSuccess.set(time)
        } else {
            reloadRefused.increment()
        }
    }

    /// Marks the initial load as a success for the timestamp gauge.
    func recordInitialLoad(at time: Double) { lastReloadSuccess.set(time) }

    func latencyHistogram(pool: String, backend: String) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: BalancerMetricName.namespace, metricName: BalancerMetricName.backendRequestDuration.rawValue, unitName: "seconds",
                helpText: "Time from sending a request to a backend until its response completed"),
            labels: [("pool", pool), ("backend", backend)], buckets: Self.latencyBuckets)
    }

    private func gauge(_ name: BalancerMetricName, _ help: String, _ labels: [(String, String)], unit: String = "") -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(namespace: BalancerMetricName.namespace, metricName: name.rawValue, unitName: unit, helpText: help), labels: labels)
    }

    /// Brings a monotonically growing live count into a Prometheus counter by adding the difference since
    /// the last scrape.
    private func sync(_ name: BalancerMetricName, _ help: String, _ labels: [(String, String)], to value: Int) {
        let counter = registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: BalancerMetricName.namespace, metricName: name.rawValue, unitName: "total", helpText: help), labels: labels)
        let key = name.rawValue + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = exported.withLock { e -> Int in
            let previous = e[key] ?? 0
            e[key] = max(previous, value)
            return max(0, value - previous)
        }
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }

    /// Updates gauges and counters from `report` and the access log's counts, and renders the Prometheus text
    /// exposition.
    public func render(_ report: StatsReport, accessLog: AccessLogWriter? = nil) -> String {
        render(report, accessLog: accessLog, edge: nil)
    }

    func render(_ report: StatsReport, accessLog: AccessLogWriter?, edge: EdgeCounters?) -> String {
        if let edge {
            sync(.tlsHandshakeFailures, "TLS handshakes that failed or timed out", [], to: edge.handshakeFailures.load(ordering: .relaxed))
            sync(.tlsConnections, "TLS client connections by the protocol ALPN chose", [("protocol", "h2")], to: edge.http2Connections.load(ordering: .relaxed))
            sync(.tlsConnections, "TLS client connections by the protocol ALPN chose", [("protocol", "http/1.1")], to: edge.http1Connections.load(ordering: .relaxed))
            sync(.http2Streams, "HTTP/2 streams clients opened", [], to: edge.http2Streams.load(ordering: .relaxed))
            let closures = edge.closuresByBreach
            for breach in HTTP2LimitBreach.allCases {
                sync(.http2LimitClosures, "HTTP/2 connections closed because the client broke a limit", [("reason", breach.rawValue)], to: closures[breach] ?? 0)
            }
        }
        if let accessLog {
            sync(.accessLogLines, "Lines written to the access log", [], to: accessLog.linesWritten)
            sync(.accessLogDroppedLines, "Access log lines lost: the buffer was full or a write failed", [], to: accessLog.linesDropped)
        }
        for pool in report.pools {
            gauge(.poolQueueDepth, "Requests waiting for a backend slot", [("pool", pool.name)]).set(Double(pool.queueDepth))
            for b in report.backends(of: pool) {
                let labels = [("pool", pool.name), ("backend", b.name)]
                gauge(.backendExpectedShare, "Share of the pool's requests the backend should get from weights and health", labels).set(b.expectedShare)
                gauge(.backendObservedShare, "Share of the pool's requests the backend got over the window", labels + [("window", "1m")]).set(b.observedShare1m)
                gauge(.backendObservedShare, "Share of the pool's requests the backend got over the window", labels + [("window", "5m")]).set(b.observedShare5m)
                gauge(.backendWeight, "Configured weight", labels).set(Double(b.weight))
                gauge(.backendEffectiveWeight, "Weight used for picking now", labels).set(b.effectiveWeight)
                gauge(.backendInFlight, "Requests in flight", labels).set(Double(b.inFlight))
                gauge(.backendTunnels, "Open WebSocket tunnels (also counted in flight)", labels).set(Double(b.tunnels))
                for state in BackendStatus.allCases {
                    gauge(.backendState, "1 for the backend's current state", labels + [("state", state.rawValue)]).set(b.state == state ? 1.0 : 0.0)
                }
                sync(.backendRequests, "Requests sent to the backend", labels, to: b.requests)
                for (code, value) in [("1xx", b.responses1xx), ("2xx", b.responses2xx), ("3xx", b.responses3xx), ("4xx", b.responses4xx), ("5xx", b.responses5xx)] {
                    sync(.backendResponses, "Responses by status class", labels + [("code", code)], to: value)
                }
                sync(.backendConnectErrors, "Failed connection attempts", labels, to: b.connectErrors)
                sync(.backendRetries, "Requests retried away from the backend", labels, to: b.retries)
            }
        }
        return registry.emitToString()
    }
}

extension StatsReport {
    fileprivate func backends(of pool: Pool) -> [Backend] { pool.backends }
}
