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
        config.pools.compactMap { pool in
            guard case .hash(let policy) = pool.algorithm, policy.key == .sourceIP || policy.key == .sourceIPv4Prefix24 else {
                return nil
            }
            // Judged against the traffic that breaks it: a few addresses, as behind a NAT or CDN.
            let few = DistributionSimulator(traffic: TrafficModel(clients: Self.natClients)).simulate(pool)
            let detail = " (with \(Self.natClients) client addresses, the busiest backend gets ~\(Percent(few.maxExpectedShare)))"
            let what = policy.key == .sourceIPv4Prefix24 ? "the client's /24 network, so a whole network and" : "the client address:"
            return config.finding(
                self, line: pool.algorithmLine,
                "pool \(pool.name) hashes on \(what) clients behind one NAT, proxy or CDN all land on one backend\(detail)")
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: hint
        case .haproxy: "Use `balance roundrobin` or `leastconn`, with a `cookie` for stickiness if the application needs it."
        case .nginx: "Drop ip_hash for round robin or least_conn; if sessions must stick, use `hash $cookie_SESSION consistent`."
        }
    }
}
