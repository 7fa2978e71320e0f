import BalancerConfig
import Foundation

/// One primary backend: all traffic on one server and nowhere to go when it fails.
public struct SingleBackendRule: Rule {
    public static let id = "EK115"
    public static let title = "single primary backend"
    public static let severity = Severity.warning
    public static let hint = "Run at least two primaries per pool."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard pool.primaries.count == 1, let only = pool.primaries.first else { return nil }
            return config.finding(
                self, line: only.line,
                "pool \(pool.name) sends 100% of requests to \(only.name)\(pool.backups.isEmpty ? " and has nowhere to go when it fails" : "")")
        }
    }
}
