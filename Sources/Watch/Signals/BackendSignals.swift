import BalancerAPI

/// One backend's signals over the detection window.
public struct BackendSignals: Sendable, Equatable, Codable {
    /// Backend name.
    public var name: String
    /// Healthy, ejected, draining or down now.
    public var state: BackendStatus
    /// Configured weight.
    public var weight: Int
    /// Share the balancer means it to get now (weights and health).
    public var expectedShare: Double
    /// Share its configured weight gives it among the primaries, whatever its health: moves only when the
    /// configuration does.
    public var configuredShare: Double
    /// Share of the pool's requests it got in the window.
    public var observedShare: Double
    /// Requests it got in the window.
    public var requests: Int
    /// Requests per second.
    public var rate: Double
    /// 5xx responses and failed connections over requests in the window.
    public var errorRatio: Double
    /// Median latency in the window, ms (0 without responses).
    public var p50: Double
    /// 99th percentile latency in the window, ms.
    public var p99: Double
    /// Responses in the window (the latency figures' sample size).
    public var responses: Int
    /// Requests in flight now.
    public var inFlight: Int
    /// Whether it is a backup.
    public var backup: Bool

    enum CodingKeys: String, CodingKey {
        case name, state, weight, requests, rate, p50, p99, responses, backup
        case expectedShare = "expected_share"
        case configuredShare = "configured_share"
        case observedShare = "observed_share"
        case errorRatio = "error_ratio"
        case inFlight = "in_flight"
    }
}
