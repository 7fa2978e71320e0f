import BalancerConfig
import Foundation

/// Without health checks a dead or sick backend keeps its share and every request sent there fails.
public struct NoHealthCheckRule: Rule {
    public static let id = "EK105"
    public static let title = "no health checks"
    public static let severity = Severity.warning
    public static let hint = "Enable `health` (active checks) and `outlier` (passive ejection) on every pool."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.configuration.pools.enumerated().compactMap { poolIndex, pool in
            switch (pool.health.enabled, pool.outlier.enabled) {
            case (false, false):
                return config.finding(
                    self, .error, at: "pools[\(poolIndex)].health",
                    "pool \(pool.name) has neither active health checks nor outlier ejection: a dead backend keeps ~\(Percent(1 / Double(max(1, pool.primaries.count)))) of requests and they all fail")
            case (false, true):
                return config.finding(
                    self, at: "pools[\(poolIndex)].health",
                    "pool \(pool.name) has no active health checks: a backend is only taken out after it has failed real requests")
            default:
                return nil
            }
        }
    }
}
