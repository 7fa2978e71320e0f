import BalancerAPI
import BalancerConfig
import Distribution
import Foundation
import Picking
import Synchronization

extension StatsReport {
    /// The report for the generation serving now.
    init(generation: BalancerRuntime.Generation, now: ContinuousClock.Instant = .now) {
        let second = PoolRuntime.currentSecond()
        let pools = generation.pools.map { pool in
            let weights = pool.effectiveWeights(now: now)
            let expected = IntendedShares.expected(candidates: pool.picker.candidates(effectiveWeights: weights), backendCount: weights.count)
            let depth = pool.queueDepth
            let snapshots = pool.backends.map { b in b.state.withLock { $0 } }
            let total1 = snapshots.reduce(0) { $0 + $1.share.count(lastSeconds: 60, atSecond: second) }
            let total5 = snapshots.reduce(0) { $0 + $1.share.count(lastSeconds: 300, atSecond: second) }
            let backends = pool.backends.enumerated().map { i, b in
                let s = snapshots[i]
                let c1 = s.share.count(lastSeconds: 60, atSecond: second)
                let c5 = s.share.count(lastSeconds: 300, atSecond: second)
                return Backend(
                    name: b.config.name, address: b.config.address.description,
                    state: BackendRuntime.status(s, now: now), backup: b.config.backup,
                    weight: b.config.weight, effectiveWeight: weights[i], expectedShare: expected[i],
                    observedShare1m: total1 == 0 ? 0 : Double(c1) / Double(total1),
                    observedShare5m: total5 == 0 ? 0 : Double(c5) / Double(total5),
                    requests: s.requests, inFlight: s.inFlight, tunnels: s.tunnels, queueDepth: depth,
                    responses1xx: s.responses1xx, responses2xx: s.responses2xx, responses3xx: s.responses3xx,
                    responses4xx: s.responses4xx, responses5xx: s.responses5xx, connectErrors: s.connectErrors,
                    retries: s.retries, latency: Self.latency(s.latency), latencyBuckets: Self.buckets(s.latency))
            }
            let recent = pool.sources.recent(atSecond: second)
            let sources = Sources(
                seconds: Int(recent.seconds), requests: recent.period.clients.total,
                topClients: recent.period.clients.top(10).map { HeavySource(key: $0.key, count: $0.count, error: $0.error) },
                topPaths: recent.period.paths.top(10).map { HeavySource(key: $0.key, count: $0.count, error: $0.error) })
            return Pool(
                name: pool.config.name, algorithm: pool.config.algorithm.description, queueDepth: depth, backends: backends, sources: sources)
        }
        self.init(configHash: generation.hash, generatedAt: Date(), pools: pools)
    }

    /// A histogram's quantiles in milliseconds.
    static func latency(_ histogram: LatencyHistogram) -> Latency {
        Latency(
            p50: histogram.quantile(0.5) * 1000, p90: histogram.quantile(0.9) * 1000, p99: histogram.quantile(0.99) * 1000,
            max: histogram.max * 1000)
    }

    /// A histogram's non-empty buckets with their bounds in milliseconds.
    static func buckets(_ histogram: LatencyHistogram) -> [LatencyBucket] {
        histogram.nonEmptyBucketsInMilliseconds.map { LatencyBucket(le: $0.le, count: $0.count) }
    }

    /// The report as pretty-printed JSON.
    func json() -> String { BalancerAPIVersion.json(self) }
}
