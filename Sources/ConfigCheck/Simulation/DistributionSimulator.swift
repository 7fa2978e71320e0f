import BalancerConfig
import Distribution
import Picking

/// The traffic a simulation sends: how many distinct clients (addresses, header or cookie values) and requests.
/// The defaults model ordinary traffic; a handful of clients models users behind a NAT or a CDN.
public struct TrafficModel: Sendable, Equatable {
    public var clients: Int
    public var requests: Int
    /// Requests in flight at once, so connection-aware algorithms see load.
    public var concurrency: Int

    public init(clients: Int = 10_000, requests: Int = 20_000, concurrency: Int = 32) {
        self.clients = clients
        self.requests = requests
        self.concurrency = concurrency
    }
}

/// One server's simulated and intended share of its pool.
public struct ServerShare: Codable, Sendable, Equatable {
    public var name: String
    public var expectedShare: Double
    public var intendedShare: Double

    enum CodingKeys: String, CodingKey {
        case name
        case expectedShare = "expected_share"
        case intendedShare = "intended_share"
    }

    /// Expected over intended; 1 is exactly as meant, nil for a server meant to get nothing.
    public var ratio: Double? { ShareComparison.ratio(observed: expectedShare, intended: intendedShare) }
}

/// How a pool's requests spread in a simulation.
public struct PoolDistribution: Codable, Sendable, Equatable {
    public var pool: String
    public var clients: Int
    public var servers: [ServerShare]

    enum CodingKeys: String, CodingKey {
        case pool = "name"
        case clients, servers
    }

    /// The largest simulated share of any server.
    public var maxExpectedShare: Double { servers.map(\.expectedShare).max() ?? 0 }
}

/// Runs a pool's configured algorithm — the balancer's own picking code, for HAProxy's and nginx's schemes
/// too — over a traffic model.
public struct DistributionSimulator: Sendable {
    public let traffic: TrafficModel

    public init(traffic: TrafficModel = TrafficModel()) {
        self.traffic = traffic
    }

    /// The simulated split of an Evenkeel pool.
    public func simulate(_ pool: PoolConfig) -> PoolDistribution {
        simulate(CheckedPool(evenkeel: pool, at: "", configuration: BalancerConfiguration(pools: [pool]), source: SourceMap(file: "", yaml: "")))
    }

    /// The simulated split of a pool of any dialect; servers marked down get nothing and are meant to get nothing.
    public func simulate(_ pool: CheckedPool) -> PoolDistribution {
        let backends = pool.servers.map { server in
            BackendConfig(
                name: server.name, address: BackendAddress(host: server.host, port: max(1, server.port)), weight: server.weight,
                backup: server.backup, maxConnections: server.maxConnections ?? BackendConfig.defaultMaxConnections)
        }
        let picker = BackendPicker(backends: backends, algorithm: Self.pickingAlgorithm(for: pool))
        // The eligible set (primaries, or backups when no primary can serve) does not change during a simulation:
        // the balancer's own rule picks it once, and the algorithm then chooses among it for every request.
        let candidates = picker.candidates(effectiveWeights: pool.servers.map { $0.down ? 0 : Double($0.weight) })
        var counts = Array(repeating: 0, count: backends.count)
        var inFlight: [Int] = []
        // Seeded, so a configuration checks the same way every time.
        var random = SplitMix64(seed: 7)
        let clients = max(1, traffic.clients)
        for _ in 0..<traffic.requests {
            let client = Int(random.next() % UInt64(clients))
            let key = Self.key(for: client, algorithm: pool.algorithm)
            guard !candidates.isEmpty else { break }
            let index = picker.algorithm.pick(from: candidates, key: key)
            counts[index] += 1
            picker.requestStarted(index)
            inFlight.append(index)
            if inFlight.count >= traffic.concurrency {
                picker.requestFinished(inFlight.removeFirst(), latency: .milliseconds(10))
            }
        }
        let total = Double(max(1, counts.reduce(0, +)))
        let primaryWeight = Double(pool.primaries.reduce(0) { $0 + $1.weight })
        let servers = pool.servers.enumerated().map { index, server in
            ServerShare(
                name: server.name, expectedShare: Double(counts[index]) / total,
                intendedShare: server.backup || server.down || primaryWeight == 0 ? 0 : Double(server.weight) / primaryWeight)
        }
        return PoolDistribution(pool: pool.name, clients: clients, servers: servers)
    }

    /// The balancer's picking type that behaves as the pool's algorithm does.
    static func pickingAlgorithm(for pool: CheckedPool) -> any PickingAlgorithm {
        let count = pool.servers.count
        let names = pool.servers.map(\.name)
        switch pool.algorithm {
        case .roundRobin: return SmoothWeightedRoundRobin(backendCount: count)
        case .leastConnections: return WeightedLeastConnections(backendCount: count)
        case .p2cEWMA: return PowerOfTwoChoicesEWMA(backendCount: count, seed: 42)
        case .random: return WeightedRandom(seed: 42)
        case .first: return FirstAvailable(limits: pool.servers.map(\.maxConnections))
        case .hash(let policy):
            switch policy.placement {
            case .maglev(let bound): return ConsistentHash(backendNames: names, boundedLoad: bound, seed: 42)
            case .ring(let points): return RingHash(backendNames: names, pointsPerWeight: points, seed: 42)
            case .modulo: return ModuloHash(seed: 42)
            }
        }
    }

    /// The request key a client sends, in the form the algorithm hashes.
    static func key(for client: Int, algorithm: PoolAlgorithm) -> String? {
        guard case .hash(let policy) = algorithm else { return nil }
        switch policy.key {
        case .sourceIP: return address(of: client)
        case .sourceIPv4Prefix24: return String(address(of: client).split(separator: ".").prefix(3).joined(separator: "."))
        case .constant(let text): return text
        case .header, .cookie, .uri, .urlParameter, .expression: return "client-\(client)"
        }
    }

    /// A client's IPv4 address: spread over the whole space, as the clients of a public site are.
    static func address(of client: Int) -> String {
        let bits = SplitMix64.mix(UInt64(client) &+ 0x5eed)
        return "\(1 + (bits >> 24 & 0xff) % 223).\(bits >> 16 & 0xff).\(bits >> 8 & 0xff).\(bits & 0xff)"
    }
}
