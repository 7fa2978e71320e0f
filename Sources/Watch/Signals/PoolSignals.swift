import Distribution
import Foundation

/// A pool's signals over the detection window, derived from two samples: rates, shares against expectation,
/// fairness, latency and errors per backend.
public struct PoolSignals: Sendable, Equatable, Codable {
    /// Pool name.
    public var pool: String
    /// The algorithm as configured.
    public var algorithm: String
    /// When the later sample was taken.
    public var at: Date
    /// The window's length in seconds.
    public var window: Double
    /// Requests per second into the pool.
    public var rate: Double
    /// Requests in the window.
    public var requests: Int
    /// Requests waiting for a backend slot now.
    public var queueDepth: Int
    /// Per backend.
    public var backends: [BackendSignals]
    /// The largest observed/expected share ratio (nil without traffic).
    public var maxShareRatio: Double?
    /// Jain's index over observed/expected ratios: 1 is exactly as meant (nil without traffic).
    public var jainIndex: Double?
    /// Median of the pool's responses, ms.
    public var p50: Double
    /// 99th percentile of the pool's responses, ms.
    public var p99: Double
    /// Errors over requests, whole pool.
    public var errorRatio: Double

    enum CodingKeys: String, CodingKey {
        case pool, algorithm, at, window, rate, requests, backends, p50, p99
        case queueDepth = "queue_depth"
        case maxShareRatio = "max_share_ratio"
        case jainIndex = "jain_index"
        case errorRatio = "error_ratio"
    }

    /// The signals between `earlier` and `later`, `seconds` apart. Counters that went down (a balancer restarted)
    /// count from zero.
    public init(from earlier: PoolSample, to later: PoolSample, seconds: Double, at: Date) {
        pool = later.name
        algorithm = later.algorithm
        self.at = at
        window = seconds
        queueDepth = later.queueDepth
        let primaryWeight = later.backends.filter { !$0.backup }.reduce(0) { $0 + max(0, $1.weight) }
        var counts: [String: Int] = [:]
        var expected: [String: Double] = [:]
        var allBuckets: ([Double?: Int], [Double?: Int]) = ([:], [:])
        var errors = 0
        var backends: [BackendSignals] = []
        for b in later.backends {
            let before = earlier.backends.first { $0.name == b.name }
            func delta(_ now: Int, _ then: Int?) -> Int { now >= (then ?? 0) ? now - (then ?? 0) : now }
            let requests = delta(b.requests, before?.requests)
            let failed = delta(b.errors5xx, before?.errors5xx) + delta(b.connectErrors, before?.connectErrors)
            let earlierBuckets = before.map { $0.requests <= b.requests ? $0.latencyBuckets : [:] } ?? [:]
            var latency = LatencyQuantiles(from: earlierBuckets, to: b.latencyBuckets)
            if latency.count == 0, let average = b.reportedLatency, requests > 0 {
                // A source with no histogram (HAProxy) gives one recent average: it stands for both quantiles.
                latency = LatencyQuantiles(count: requests, p50: average, p99: average)
            }
            for (le, c) in b.latencyBuckets { allBuckets.1[le, default: 0] += c }
            for (le, c) in earlierBuckets { allBuckets.0[le, default: 0] += c }
            counts[b.name] = requests
            expected[b.name] = b.expectedShare
            errors += failed
            backends.append(
                BackendSignals(
                    name: b.name, state: b.state, weight: b.weight, expectedShare: b.expectedShare,
                    configuredShare: b.backup || primaryWeight == 0 ? 0 : Double(max(0, b.weight)) / Double(primaryWeight),
                    observedShare: 0, requests: requests, rate: Double(requests) / max(seconds, 0.001),
                    errorRatio: requests > 0 ? min(1, Double(failed) / Double(requests)) : 0, p50: latency.p50, p99: latency.p99,
                    responses: latency.count, inFlight: b.inFlight, backup: b.backup))
        }
        let comparison = ShareComparison(counts: counts, intended: IntendedShares(weights: expected))
        for i in backends.indices {
            backends[i].observedShare = comparison.entries.first { $0.name == backends[i].name }?.observedShare ?? 0
        }
        self.backends = backends
        requests = comparison.total
        rate = Double(comparison.total) / max(seconds, 0.001)
        maxShareRatio = comparison.maxRatio
        jainIndex = comparison.jainIndex
        let pooled = LatencyQuantiles(from: allBuckets.0, to: allBuckets.1)
        p50 = pooled.p50
        p99 = pooled.p99
        errorRatio = comparison.total > 0 ? min(1, Double(errors) / Double(comparison.total)) : 0
    }

    /// The backend named `name`.
    public func backend(_ name: String) -> BackendSignals? { backends.first { $0.name == name } }
}
