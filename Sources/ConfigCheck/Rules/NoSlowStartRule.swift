import BalancerConfig
import Foundation

/// Without slow start a backend back from failure gets its full share at once, cold caches and all.
public struct NoSlowStartRule: Rule {
    public static let id = "EK114"
    public static let title = "no slow start"
    public static let severity = Severity.info
    public static let hint = "Set slow_start (for example 30s) so a recovered backend's share ramps up."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard pool.supportsSlowStart, pool.slowStart == nil, pool.activeHealth != nil || pool.passiveHealth != nil,
                pool.primaries.count > 1
            else { return nil }
            return config.finding(
                self, line: pool.line,
                "pool \(pool.name) gives a recovered backend its full share at once; a cold backend may fail again under it")
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        dialect == .haproxy ? "Add `slowstart 30s` to the servers (or default-server) so a recovered server's share ramps up." : hint
    }
}
