/// A replica's own view over the detection window, from its metrics: what it answered and how fast, before the
/// network and the balancer's queue.
public struct ReplicaSignals: Sendable, Equatable, Codable {
    /// The backend name.
    public var backend: String
    /// Requests it answered in the window.
    public var requests: Int
    /// 5xx over requests.
    public var errorRatio: Double
    /// Median latency it measured, ms.
    public var p50: Double
    /// 99th percentile it measured, ms.
    public var p99: Double

    enum CodingKeys: String, CodingKey {
        case backend, requests, p50, p99
        case errorRatio = "error_ratio"
    }

    /// The window between two samples of the same replica (counts that went down mean it restarted: from zero).
    public init(from earlier: ReplicaSample, to later: ReplicaSample) {
        backend = later.backend
        let restarted = later.requests < earlier.requests
        requests = restarted ? later.requests : later.requests - earlier.requests
        let errors = restarted ? later.errors5xx : max(0, later.errors5xx - earlier.errors5xx)
        errorRatio = requests > 0 ? min(1, Double(errors) / Double(requests)) : 0
        let latency = LatencyQuantiles(from: restarted ? [:] : earlier.latencyBuckets, to: later.latencyBuckets)
        p50 = latency.p50
        p99 = latency.p99
    }
}
