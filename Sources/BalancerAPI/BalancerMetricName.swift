/// The names of the balancer's Prometheus metrics (without the `evenkeel_` namespace), shared by the balancer that
/// exports them, the alerting rules written for them and the readers that scrape them.
public enum BalancerMetricName: String, Sendable, CaseIterable {
    /// Configuration reload attempts by `result` (counter).
    case configReload = "config_reload"
    /// Unix time of the last successful configuration load or reload (gauge).
    case configLastReloadSuccess = "config_last_reload_success_timestamp"
    /// Time from sending a request to a backend until its response completed (histogram, seconds).
    case backendRequestDuration = "backend_request_duration"
    /// Requests waiting for a backend slot, per `pool` (gauge).
    case poolQueueDepth = "pool_queue_depth"
    /// Share the backend should get from weights and health (gauge).
    case backendExpectedShare = "backend_expected_share"
    /// Share the backend got over the `window` (gauge).
    case backendObservedShare = "backend_observed_share"
    /// Configured weight (gauge).
    case backendWeight = "backend_weight"
    /// Weight used for picking now (gauge).
    case backendEffectiveWeight = "backend_effective_weight"
    /// Requests in flight (gauge).
    case backendInFlight = "backend_in_flight"
    /// Open WebSocket tunnels (gauge).
    case backendTunnels = "backend_tunnels"
    /// 1 for the backend's current `state`, 0 for the others (gauge).
    case backendState = "backend_state"
    /// Requests sent to the backend (counter).
    case backendRequests = "backend_requests"
    /// Responses by status class `code` (counter).
    case backendResponses = "backend_responses"
    /// Failed connection attempts (counter).
    case backendConnectErrors = "backend_connect_errors"
    /// Requests retried away from the backend (counter).
    case backendRetries = "backend_retries"
    /// Access log lines written (counter).
    case accessLogLines = "access_log_lines"
    /// Access log lines lost (counter).
    case accessLogDroppedLines = "access_log_dropped_lines"
    /// TLS handshakes on the proxy listener that failed or timed out (counter).
    case tlsHandshakeFailures = "tls_handshake_failures"
    /// Client connections by the `protocol` ALPN chose, `h2` or `http/1.1` (counter).
    case tlsConnections = "tls_connections"
    /// HTTP/2 streams (requests) clients opened (counter).
    case http2Streams = "http2_streams"
    /// HTTP/2 connections the balancer closed because the client broke a limit, by `reason` (counter).
    case http2LimitClosures = "http2_limit_closures"

    /// The namespace every name is exported under.
    public static let namespace = "evenkeel"

    /// The full name as exported, e.g. `evenkeel_backend_requests` (counters add `_total`, histograms `_seconds`).
    public var exported: String { "\(Self.namespace)_\(rawValue)" }
}
