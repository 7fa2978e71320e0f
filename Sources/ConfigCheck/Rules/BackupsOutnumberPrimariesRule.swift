import BalancerConfig
import Foundation

/// More backups than primaries: the primaries take all traffic and overload while the backups idle.
public struct BackupsOutnumberPrimariesRule: Rule {
    public static let id = "EK103"
    public static let title = "backups outnumber primaries"
    public static let severity = Severity.warning
    public static let hint = "Make most backends primaries; keep backups for a small reserve."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard !pool.backups.isEmpty, pool.backups.count > pool.primaries.count else { return nil }
            return config.finding(
                self, line: pool.backups[0].line,
                "pool \(pool.name) has \(pool.backups.count) backups and \(pool.primaries.count) primaries: \(pool.primaries.count == 1 ? "one server takes" : "\(pool.primaries.count) servers take") all requests while \(pool.backups.count) stay idle until they fail")
        }
    }
}
