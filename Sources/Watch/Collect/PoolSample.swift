import BalancerAPI
import Foundation

/// One pool as one poll saw it, merged over every balancer in front of it: cumulative counters summed (an HA pair's
/// traffic is the sum of both halves), expected shares and weights as the balancers state them, states at their
/// worst.
public struct PoolSample: Sendable, Equatable {
    /// One backend's cumulative figures.
    public struct Backend: Sendable, Equatable {
        /// Backend name.
        public var name: String
        /// Healthy, ejected, draining or down (the worst any balancer reports).
        public var state: BackendStatus
        /// Configured weight.
        public var weight: Int
        /// Weight used for picking now.
        public var effectiveWeight: Double
        /// Share the balancer means it to get now, 0...1.
        public var expectedShare: Double
        /// Whether it is a backup.
        public var backup: Bool
        /// Requests admitted so far.
        public var requests: Int
        /// 5xx responses so far.
        public var errors5xx: Int
        /// Failed connection attempts so far.
        public var connectErrors: Int
        /// Responses of every class so far.
        public var responses: Int
        /// Requests in flight now.
        public var inFlight: Int
        /// Latency histogram so far: bucket upper bound in ms (nil: overflow) → count.
        public var latencyBuckets: [Double?: Int]
        /// A recent average response time in ms, from sources that report no histogram (HAProxy's `rtime`).
        public var reportedLatency: Double?

        /// Creates a backend's sample.
        public init(
            name: String, state: BackendStatus, weight: Int, effectiveWeight: Double, expectedShare: Double, backup: Bool,
            requests: Int, errors5xx: Int, connectErrors: Int, responses: Int, inFlight: Int, latencyBuckets: [Double?: Int],
            reportedLatency: Double? = nil
        ) {
            self.reportedLatency = reportedLatency
            self.name = name
            self.state = state
            self.weight = weight
            self.effectiveWeight = effectiveWeight
            self.expectedShare = expectedShare
            self.backup = backup
            self.requests = requests
            self.errors5xx = errors5xx
            self.connectErrors = connectErrors
            self.responses = responses
            self.inFlight = inFlight
            self.latencyBuckets = latencyBuckets
        }
    }

    /// Pool name.
    public var name: String
    /// The algorithm as configured.
    public var algorithm: String
    /// Requests waiting for a backend slot.
    public var queueDepth: Int
    /// Backends by configuration order of the first balancer that named them.
    public var backends: [Backend]
    /// Hashes of the configurations serving (one per balancer).
    public var configHashes: [String]
    /// Recent requests by client and by path, summed over the balancers that report them (nil when none does).
    public var sources: RecentSources?

    /// Who sent a pool its recent requests.
    public struct RecentSources: Sendable, Equatable {
        /// Requests counted.
        public var requests: Int
        /// Requests per client address (the heaviest ones).
        public var clients: [String: Int]
        /// Requests per path (the heaviest ones).
        public var paths: [String: Int]

        /// How concentrated these requests are: the three heaviest clients' share and the heaviest path's.
        public var concentration: ClientConcentration? {
            guard requests > 0 else { return nil }
            let topClients = clients.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            let topPath = paths.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }
            return ClientConcentration(
                topClientsShare: min(1, Double(topClients.reduce(0) { $0 + $1.value }) / Double(requests)),
                topClients: topClients.map { ClientConcentration.Heavy(key: $0.key, count: $0.value) },
                topPathShare: min(1, Double(topPath?.value ?? 0) / Double(requests)), topPath: topPath?.key)
        }
    }

    /// Creates a pool's sample.
    public init(name: String, algorithm: String, queueDepth: Int, backends: [Backend], configHashes: [String], sources: RecentSources? = nil) {
        self.name = name
        self.algorithm = algorithm
        self.queueDepth = queueDepth
        self.backends = backends
        self.configHashes = configHashes
        self.sources = sources
    }

    /// The pools of one balancer's report.
    public init(report pool: StatsReport.Pool, configHash: String) {
        var sources: RecentSources?
        if let reported = pool.sources {
            sources = RecentSources(
                requests: reported.requests,
                clients: Dictionary(reported.topClients.map { ($0.key, $0.count) }, uniquingKeysWith: +),
                paths: Dictionary(reported.topPaths.map { ($0.key, $0.count) }, uniquingKeysWith: +))
        }
        self.init(
            name: pool.name, algorithm: pool.algorithm, queueDepth: pool.queueDepth, backends: pool.backends.map { Backend(report: $0) },
            configHashes: [configHash], sources: sources)
    }

    /// Several sources' views of their pools, merged by pool and backend name: counts summed (an HA pair's traffic is
    /// the sum of both halves), expectations averaged over the views, states at their worst.
    public static func merge(_ views: [[PoolSample]]) -> [PoolSample] {
        var order: [String] = []
        var pools: [String: PoolSample] = [:]
        var counts: [String: [String: Int]] = [:]
        for view in views {
            for pool in view {
                guard var merged = pools[pool.name] else {
                    order.append(pool.name)
                    pools[pool.name] = pool
                    for b in pool.backends { counts[pool.name, default: [:]][b.name] = 1 }
                    continue
                }
                merged.queueDepth += pool.queueDepth
                merged.configHashes += pool.configHashes
                if let sources = pool.sources {
                    var recent = merged.sources ?? RecentSources(requests: 0, clients: [:], paths: [:])
                    recent.requests += sources.requests
                    recent.clients.merge(sources.clients, uniquingKeysWith: +)
                    recent.paths.merge(sources.paths, uniquingKeysWith: +)
                    merged.sources = recent
                }
                for backend in pool.backends {
                    counts[pool.name, default: [:]][backend.name, default: 0] += 1
                    if let i = merged.backends.firstIndex(where: { $0.name == backend.name }) {
                        merged.backends[i].add(backend)
                    } else {
                        merged.backends.append(backend)
                    }
                }
                pools[pool.name] = merged
            }
        }
        return order.compactMap { name in
            guard var pool = pools[name] else { return nil }
            for i in pool.backends.indices {
                let views = Double(counts[name]?[pool.backends[i].name] ?? 1)
                pool.backends[i].effectiveWeight /= views
                pool.backends[i].expectedShare /= views
            }
            return pool
        }
    }

    /// Several balancers' reports, merged (see ``merge(_:)-([[PoolSample]])``).
    public static func merge(_ reports: [StatsReport]) -> [PoolSample] {
        merge(reports.map { report in report.pools.map { PoolSample(report: $0, configHash: report.configHash) } })
    }
}

extension PoolSample.Backend {
    init(report b: StatsReport.Backend) {
        var buckets: [Double?: Int] = [:]
        for bucket in b.latencyBuckets { buckets[bucket.le, default: 0] += bucket.count }
        self.init(
            name: b.name, state: b.state, weight: b.weight, effectiveWeight: b.effectiveWeight, expectedShare: b.expectedShare,
            backup: b.backup, requests: b.requests, errors5xx: b.responses5xx, connectErrors: b.connectErrors,
            responses: b.responses1xx + b.responses2xx + b.responses3xx + b.responses4xx + b.responses5xx, inFlight: b.inFlight,
            latencyBuckets: buckets)
    }

    /// Adds another balancer's view of the same backend: counts and expectations summed (``PoolSample/merge(_:)``
    /// divides the expectations by the number of views), state the worst.
    mutating func add(_ other: PoolSample.Backend) {
        state = Self.worse(state, other.state)
        effectiveWeight += other.effectiveWeight
        expectedShare += other.expectedShare
        requests += other.requests
        errors5xx += other.errors5xx
        connectErrors += other.connectErrors
        responses += other.responses
        inFlight += other.inFlight
        for (le, count) in other.latencyBuckets { latencyBuckets[le, default: 0] += count }
    }

    static func worse(_ a: BackendStatus, _ b: BackendStatus) -> BackendStatus {
        let rank: [BackendStatus: Int] = [.healthy: 0, .draining: 1, .ejected: 2, .down: 3]
        return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b
    }
}
