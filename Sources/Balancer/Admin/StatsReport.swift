import BalancerConfig
import Foundation
import Synchronization

/// The JSON document of `GET /admin/stats`: per pool and backend, state, configured weight, expected
/// share (from weights and health) next to observed share over the last 1 and 5 minutes, and counters.
public struct StatsReport: Sendable, Codable, Equatable {
    /// Latency quantiles in seconds.
    public struct Latency: Sendable, Codable, Equatable {
        /// Median.
        public var p50: Double
        /// 90th percentile.
        public var p90: Double
        /// 99th percentile.
        public var p99: Double
        /// Largest seen.
        public var max: Double
    }

    /// One backend's numbers.
    public struct Backend: Sendable, Codable, Equatable {
        /// Backend name.
        public var name: String
        /// `host:port`.
        public var address: String
        /// healthy, ejected, draining or down.
        public var state: String
        /// Whether it is a backup.
        public var backup: Bool
        /// Configured weight.
        public var weight: Int
        /// Weight used for picking now (slow start, health).
        public var effectiveWeight: Double
        /// Share of the pool's requests it should get now, 0...1.
        public var expectedShare: Double
        /// Share it got over the last minute, 0...1.
        public var observedShare1m: Double
        /// Share it got over the last five minutes, 0...1.
        public var observedShare5m: Double
        /// Requests admitted to it.
        public var requests: Int
        /// Requests in flight now.
        public var inFlight: Int
        /// WebSocket tunnels open now; each also counts in `inFlight`, which would otherwise look like stuck requests.
        public var tunnels: Int
        /// Requests waiting in the pool queue (shared by the pool's backends).
        public var queueDepth: Int
        /// Responses with 1xx status: `101 Switching Protocols` to WebSocket (interim responses are not counted).
        public var responses1xx: Int
        /// Responses with 2xx status.
        public var responses2xx: Int
        /// Responses with 3xx status.
        public var responses3xx: Int
        /// Responses with 4xx status.
        public var responses4xx: Int
        /// Responses with 5xx status.
        public var responses5xx: Int
        /// Failed connection attempts.
        public var connectErrors: Int
        /// Requests retried away from this backend.
        public var retries: Int
        /// Latency of completed responses.
        public var latency: Latency
    }

    /// One pool.
    public struct Pool: Sendable, Codable, Equatable {
        /// Pool name.
        public var name: String
        /// Algorithm, as configured.
        public var algorithm: String
        /// Requests waiting for a backend slot.
        public var queueDepth: Int
        /// Its backends.
        public var backends: [Backend]
    }

    /// Hash of the configuration serving.
    public var configHash: String
    /// When the report was made (seconds since 1970).
    public var generatedAt: Double
    /// Every pool.
    public var pools: [Pool]

    /// Builds the report for the generation serving now.
    public init(generation: BalancerRuntime.Generation, now: ContinuousClock.Instant = .now) {
        configHash = generation.hash
        generatedAt = Date().timeIntervalSince1970
        let second = PoolRuntime.currentSecond()
        pools = generation.pools.map { pool in
            let weights = pool.effectiveWeights(now: now)
            let expected = Self.expectedShares(pool: pool, weights: weights)
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
                    state: BackendRuntime.status(s, now: now).rawValue, backup: b.config.backup,
                    weight: b.config.weight, effectiveWeight: weights[i], expectedShare: expected[i],
                    observedShare1m: total1 == 0 ? 0 : Double(c1) / Double(total1),
                    observedShare5m: total5 == 0 ? 0 : Double(c5) / Double(total5),
                    requests: s.requests, inFlight: s.inFlight, tunnels: s.tunnels, queueDepth: depth,
                    responses1xx: s.responses1xx, responses2xx: s.responses2xx, responses3xx: s.responses3xx, responses4xx: s.responses4xx,
                    responses5xx: s.responses5xx, connectErrors: s.connectErrors, retries: s.retries,
                    latency: Latency(p50: s.latency.quantile(0.5), p90: s.latency.quantile(0.9), p99: s.latency.quantile(0.99), max: s.latency.max))
            }
            return Pool(name: pool.config.name, algorithm: pool.config.algorithm.description, queueDepth: depth, backends: backends)
        }
    }

    /// Each backend's expected share: its effective weight over the sum of the eligible set (primaries,
    /// or backups when no primary is eligible).
    static func expectedShares(pool: PoolRuntime, weights: [Double]) -> [Double] {
        let eligible = pool.picker.candidates(effectiveWeights: weights)
        let total = eligible.reduce(0) { $0 + $1.weight }
        var shares = Array(repeating: 0.0, count: weights.count)
        guard total > 0 else { return shares }
        for c in eligible { shares[c.index] = c.weight / total }
        return shares
    }

    /// The report as pretty-printed JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
