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
        config.pools.compactMap { pool in
            switch (pool.activeHealth, pool.passiveHealth) {
            case (nil, nil):
                return config.finding(
                    self, .error, line: pool.line,
                    "pool \(pool.name) has neither active health checks nor passive failure detection: a dead backend keeps ~\(Percent(1 / Double(max(1, pool.primaries.count)))) of requests and they all fail")
            case (nil, .some) where pool.supportsActiveHealth:
                return config.finding(
                    self, line: pool.line,
                    "pool \(pool.name) has no active health checks: a backend is only taken out after it has failed real requests")
            default:
                return nil
            }
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: hint
        case .haproxy: "Add `check` to every server line (or to default-server), with `option httpchk` for an HTTP probe."
        case .nginx: "Keep max_fails above 0 so failing servers are taken out (open-source nginx has no active checks)."
        }
    }
}
