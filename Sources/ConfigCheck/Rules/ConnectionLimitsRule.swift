import BalancerConfig
import Foundation

/// Per-backend connection limits far below what the listener accepts mean most requests wait in the queue.
public struct ConnectionLimitsRule: Rule {
    public static let id = "EK110"
    public static let title = "connection limits far below the frontend"
    public static let severity = Severity.warning
    public static let hint = "Raise backends' max_connections, or lower limits.max_client_connections to what the pool can serve."
    /// The pool's total below this share of the listener's limit is a finding.
    static let share = 0.01

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        let frontend = config.configuration.limits.maxClientConnections
        return config.configuration.pools.enumerated().compactMap { poolIndex, pool in
            let total = pool.primaries.reduce(0) { $0 + $1.maxConnections }
            guard Double(total) < Double(frontend) * Self.share else { return nil }
            return config.finding(
                self, at: "pools[\(poolIndex)].backends",
                "pool \(pool.name) serves at most \(total) requests at once but the listener accepts \(frontend) connections: under load almost all requests queue, then fail with 503")
        }
    }
}
