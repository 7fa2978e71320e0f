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

        /// Creates a backend's sample.
        public init(
            name: String, state: BackendStatus, weight: Int, effectiveWeight: Double, expectedShare: Double, backup: Bool,
            requests: Int, errors5xx: Int, connectErrors: Int, responses: Int, inFlight: Int, latencyBuckets: [Double?: Int]
        ) {
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

    /// The pools of several balancers' reports, merged by pool and backend name.
    public static func merge(_ reports: [StatsReport]) -> [PoolSample] {
        var order: [String] = []
        var pools: [String: PoolSample] = [:]
        // How many balancers reported each backend, to turn summed expectations into their mean.
        var views: [String: [String: Int]] = [:]
        for report in reports {
            for pool in report.pools {
                var merged = pools[pool.name] ?? PoolSample(name: pool.name, algorithm: pool.algorithm, queueDepth: 0, backends: [], configHashes: [])
                if pools[pool.name] == nil { order.append(pool.name) }
                merged.queueDepth += pool.queueDepth
                merged.configHashes.append(report.configHash)
                if let sources = pool.sources {
                    var recent = merged.sources ?? RecentSources(requests: 0, clients: [:], paths: [:])
                    recent.requests += sources.requests
                    for c in sources.topClients { recent.clients[c.key, default: 0] += c.count }
                    for p in sources.topPaths { recent.paths[p.key, default: 0] += p.count }
                    merged.sources = recent
                }
                for backend in pool.backends {
                    let sample = Backend(report: backend)
                    views[pool.name, default: [:]][backend.name, default: 0] += 1
                    if let i = merged.backends.firstIndex(where: { $0.name == backend.name }) {
                        merged.backends[i].add(sample)
                    } else {
                        merged.backends.append(sample)
                    }
                }
                pools[pool.name] = merged
            }
        }
        return order.compactMap { name in
            guard var pool = pools[name] else { return nil }
            for i in pool.backends.indices {
                let count = Double(views[name]?[pool.backends[i].name] ?? 1)
                pool.backends[i].effectiveWeight /= count
                pool.backends[i].expectedShare /= count
            }
            return pool
        }
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
