import Prometheus

/// Watch's own Prometheus metrics, in a registry of its own: how often it detects, how many incidents are open,
/// and how often its sources fail it.
public final class WatchMetrics: Sendable {
    /// A counter that only goes up.
    public struct Count: Sendable {
        let counter: Counter
        /// Adds `n`.
        public func add(_ n: Int) { counter.increment(by: Int64(n)) }
    }

    /// A value that goes up and down.
    public struct Level: Sendable {
        let gauge: Gauge
        /// Sets it.
        public func set(_ value: Int) { gauge.set(Double(value)) }
        /// Adds `delta` (negative to take away).
        public func add(_ delta: Int) { gauge.increment(by: Double(delta)) }
    }

    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    /// Evaluations that found something abnormal.
    public let detections: Count
    /// Incidents opened.
    public let incidentsOpened: Count
    /// Incidents not yet resolved.
    public let incidentsOpen: Level
    /// Source reads that failed.
    public let pollErrors: Count
    /// Dashboards open with live updates (Server-Sent Events streams).
    public let liveDashboards: Level
    /// Redraws dashboards fetched after an update.
    public let dashboardRefreshes: Count

    public init() {
        liveDashboards = Level(
            gauge: registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "evenkeel", subsystem: "watch", metricName: "live_dashboards", unitName: "", helpText: "Dashboards open with live updates")))
        dashboardRefreshes = Count(
            counter: registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "evenkeel", subsystem: "watch", metricName: "dashboard_refreshes", unitName: "total",
                    helpText: "Dashboard redraws fetched after a live update")))
        detections = Count(counter: registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "evenkeel", subsystem: "watch", metricName: "detections", unitName: "total", helpText: "Pool evaluations that found something abnormal")))
        incidentsOpened = Count(counter: registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "evenkeel", subsystem: "watch", metricName: "incidents_opened", unitName: "total", helpText: "Incidents opened")))
        incidentsOpen = Level(gauge: registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "evenkeel", subsystem: "watch", metricName: "incidents_open", unitName: "", helpText: "Incidents open or acknowledged")))
        notificationsPending = Level(
            gauge: registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "evenkeel", subsystem: "watch", metricName: "notifications_pending", unitName: "",
                    helpText: "Notifications waiting in the outbox to be delivered")))
        pollErrors = Count(counter: registry.makeCounter(descriptor: MetricNameDescriptor(namespace: "evenkeel", subsystem: "watch", metricName: "poll_errors", unitName: "total", helpText: "Source reads that failed")))
    }

    /// Notifications waiting in the outbox.
    public let notificationsPending: Level

    /// Counts one notification attempt's `result` (`delivered`, `retrying`, `failed`) for `receiver`.
    public func notification(receiver: String, result: String) {
        registry.makeCounter(name: "evenkeel_watch_notifications_total", labels: [("receiver", receiver), ("result", result)],
            help: "Notification attempts by receiver and result").increment()
    }

    /// The Prometheus text exposition.
    public func render() -> String { registry.emitToString() }
}
