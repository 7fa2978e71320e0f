import Balancer
import BalancerConfig

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

    /// Expected over intended; 1 is exactly as meant.
    public var ratio: Double { intendedShare > 0 ? expectedShare / intendedShare : (expectedShare > 0 ? .infinity : 1) }
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

/// Runs a pool's configured algorithm — the balancer's own picking code — over a traffic model.
public struct DistributionSimulator: Sendable {
    public let traffic: TrafficModel

    public init(traffic: TrafficModel = TrafficModel()) {
        self.traffic = traffic
    }

    public func simulate(_ pool: PoolConfig) -> PoolDistribution {
        let picker = BackendPicker(backends: pool.backends, algorithm: pool.algorithm, seed: 42)
        var counts = Array(repeating: 0, count: pool.backends.count)
        var inFlight: [Int] = []
        // Seeded, so a configuration checks the same way every time.
        var random = SplitMix64(seed: 7)
        let clients = max(1, traffic.clients)
        for _ in 0..<traffic.requests {
            let client = Int(random.next() % UInt64(clients))
            guard let index = picker.pick(requestKey: Self.key(for: client, algorithm: pool.algorithm)) else { continue }
            counts[index] += 1
            picker.requestStarted(index)
            inFlight.append(index)
            if inFlight.count >= traffic.concurrency {
                picker.requestFinished(inFlight.removeFirst(), latency: .milliseconds(10))
            }
        }
        let total = Double(max(1, counts.reduce(0, +)))
        let primaryWeight = Double(pool.backends.filter { !$0.backup }.reduce(0) { $0 + $1.weight })
        let servers = pool.backends.enumerated().map { index, backend in
            ServerShare(
                name: backend.name, expectedShare: Double(counts[index]) / total,
                intendedShare: backend.backup || primaryWeight == 0 ? 0 : Double(backend.weight) / primaryWeight)
        }
        return PoolDistribution(pool: pool.name, clients: clients, servers: servers)
    }

    /// The request key a client sends, in the form the algorithm hashes.
    static func key(for client: Int, algorithm: AlgorithmConfig) -> String? {
        guard case .consistentHash(let source, _) = algorithm else { return nil }
        switch source {
        case .sourceIP: return "10.\(client / 65_536 % 256).\(client / 256 % 256).\(client % 256)"
        case .header, .cookie: return "client-\(client)"
        }
    }
}

