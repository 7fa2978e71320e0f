import Foundation

/// The JSON document of `GET /admin/stats` (API version 2): per pool and backend, state, configured weight,
/// expected share (from weights and health) next to observed share over the last 1 and 5 minutes, counters,
/// and latency in milliseconds.
///
/// Counters and the latency histogram run from the balancer's start (or the backend's first appearance in a
/// configuration), so a reader such as Watch takes differences between two reports to see an interval.
public struct StatsReport: Sendable, Codable, Equatable {
    /// Latency quantiles in milliseconds, over every completed response so far.
    public struct Latency: Sendable, Codable, Equatable {
        /// Median.
        public var p50: Double
        /// 90th percentile.
        public var p90: Double
        /// 99th percentile.
        public var p99: Double
        /// Largest seen.
        public var max: Double

        /// Creates quantiles (milliseconds).
        public init(p50: Double, p90: Double, p99: Double, max: Double) {
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.max = max
        }
    }

    /// One bucket of the latency histogram that holds samples: responses that took at most `le` milliseconds and
    /// more than the bucket below's bound. The open-ended last bucket has `le` = nil.
    public struct LatencyBucket: Sendable, Codable, Equatable {
        /// Upper bound in milliseconds; nil for the overflow bucket.
        public var le: Double?
        /// Responses in the bucket so far.
        public var count: Int

        /// Creates a bucket.
        public init(le: Double?, count: Int) {
            self.le = le
            self.count = count
        }
    }

    /// One backend's numbers.
    public struct Backend: Sendable, Codable, Equatable {
        /// Backend name.
        public var name: String
        /// `host:port`.
        public var address: String
        /// Healthy, ejected, draining or down.
        public var state: BackendStatus
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
        /// The latency histogram's non-empty buckets, lowest first.
        public var latencyBuckets: [LatencyBucket]

        /// Creates a backend's entry.
        public init(
            name: String, address: String, state: BackendStatus, backup: Bool, weight: Int, effectiveWeight: Double,
            expectedShare: Double, observedShare1m: Double, observedShare5m: Double, requests: Int, inFlight: Int,
            tunnels: Int, queueDepth: Int, responses1xx: Int, responses2xx: Int, responses3xx: Int, responses4xx: Int,
            responses5xx: Int, connectErrors: Int, retries: Int, latency: Latency, latencyBuckets: [LatencyBucket]
        ) {
            self.name = name
            self.address = address
            self.state = state
            self.backup = backup
            self.weight = weight
            self.effectiveWeight = effectiveWeight
            self.expectedShare = expectedShare
            self.observedShare1m = observedShare1m
            self.observedShare5m = observedShare5m
            self.requests = requests
            self.inFlight = inFlight
            self.tunnels = tunnels
            self.queueDepth = queueDepth
            self.responses1xx = responses1xx
            self.responses2xx = responses2xx
            self.responses3xx = responses3xx
            self.responses4xx = responses4xx
            self.responses5xx = responses5xx
            self.connectErrors = connectErrors
            self.retries = retries
            self.latency = latency
            self.latencyBuckets = latencyBuckets
        }

        enum CodingKeys: String, CodingKey {
            case name, address, state, backup, weight, requests, tunnels, retries
            case effectiveWeight = "effective_weight"
            case expectedShare = "expected_share"
            case observedShare1m = "observed_share_1m"
            case observedShare5m = "observed_share_5m"
            case inFlight = "in_flight"
            case queueDepth = "queue_depth"
            case responses1xx = "responses_1xx"
            case responses2xx = "responses_2xx"
            case responses3xx = "responses_3xx"
            case responses4xx = "responses_4xx"
            case responses5xx = "responses_5xx"
            case connectErrors = "connect_errors"
            case latency = "latency_ms"
            case latencyBuckets = "latency_buckets"
        }
    }

    /// A heavy client or path and its request count (possibly overestimated by at most `error`).
    public struct HeavySource: Sendable, Codable, Equatable {
        /// Client address or request path.
        public var key: String
        /// Requests counted.
        public var count: Int
        /// How much of `count` may belong to others (the sketch's bound).
        public var error: Int

        public init(key: String, count: Int, error: Int) {
            self.key = key
            self.count = count
            self.error = error
        }
    }

    /// Who sent a pool its recent requests: the heaviest clients and paths of the last 10 to 20 seconds.
    public struct Sources: Sendable, Codable, Equatable {
        /// The seconds covered.
        public var seconds: Int
        /// Requests counted in them.
        public var requests: Int
        /// The heaviest clients, heaviest first (at most 10).
        public var topClients: [HeavySource]
        /// The heaviest paths, heaviest first (at most 10).
        public var topPaths: [HeavySource]

        public init(seconds: Int, requests: Int, topClients: [HeavySource], topPaths: [HeavySource]) {
            self.seconds = seconds
            self.requests = requests
            self.topClients = topClients
            self.topPaths = topPaths
        }

        enum CodingKeys: String, CodingKey {
            case seconds, requests
            case topClients = "top_clients"
            case topPaths = "top_paths"
        }
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
        /// Who sent it its recent requests; nil from a balancer that does not count them.
        public var sources: Sources?

        /// Creates a pool's entry.
        public init(name: String, algorithm: String, queueDepth: Int, backends: [Backend], sources: Sources? = nil) {
            self.name = name
            self.algorithm = algorithm
            self.queueDepth = queueDepth
            self.backends = backends
            self.sources = sources
        }

        enum CodingKeys: String, CodingKey {
            case name, algorithm, backends, sources
            case queueDepth = "queue_depth"
        }
    }

    /// The version of the admin API this document follows (``BalancerAPIVersion/current``).
    public var apiVersion: Int
    /// Hash of the configuration serving.
    public var configHash: String
    /// When the report was made.
    public var generatedAt: Date
    /// Every pool.
    public var pools: [Pool]

    /// Creates a report.
    public init(apiVersion: Int = BalancerAPIVersion.current, configHash: String, generatedAt: Date, pools: [Pool]) {
        self.apiVersion = apiVersion
        self.configHash = configHash
        self.generatedAt = generatedAt
        self.pools = pools
    }

    enum CodingKeys: String, CodingKey {
        case pools
        case apiVersion = "api_version"
        case configHash = "config_hash"
        case generatedAt = "generated_at"
    }
}
