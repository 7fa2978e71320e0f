import BalancerConfig

/// Hashing on the client address puts everyone behind one NAT, proxy or CDN on the same backend.
public struct SourceIPHashRule: Rule {
    public static let id = "EK108"
    public static let title = "source-IP hashing"
    public static let severity = Severity.warning
    public static let hint = "Hash on a per-user key (a session cookie) or use round_robin / least_connections; behind a CDN all clients share a few addresses."

    /// Client addresses seen from behind a NAT or CDN, in the simulation this rule quotes.
    static let natClients = 5

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.configuration.pools.enumerated().compactMap { poolIndex, pool in
            guard case .consistentHash(key: .sourceIP, _) = pool.algorithm else { return nil }
            // Judged against the traffic that breaks it: a few addresses, as behind a NAT or CDN.
            let few = DistributionSimulator(traffic: TrafficModel(clients: Self.natClients)).simulate(pool)
            let detail = " (with \(Self.natClients) client addresses, the busiest backend gets ~\(Percent(few.maxExpectedShare)))"
            return config.finding(
                self, at: "pools[\(poolIndex)].algorithm",
                "pool \(pool.name) hashes on the client address: clients behind one NAT, proxy or CDN all land on one backend\(detail)")
        }
    }
}
