import BalancerConfig
import Foundation

/// Retries without a budget multiply load exactly when backends are failing: a retry storm.
public struct RetriesWithoutBudgetRule: Rule {
    public static let id = "EK112"
    public static let title = "retries without a budget"
    public static let severity = Severity.warning
    public static let hint = "Keep retry.budget_percent at 10–20 so retries add at most that share of extra requests."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.configuration.pools.enumerated().compactMap { poolIndex, pool in
            guard pool.retry.attempts > 0, pool.retry.budgetPercent >= 50 else { return nil }
            return config.finding(
                self, at: "pools[\(poolIndex)].retry",
                "pool \(pool.name) may retry up to \(pool.retry.attempts) times with a \(pool.retry.budgetPercent)% budget: when backends fail, requests to the rest multiply up to \(pool.retry.attempts + 1)x")
        }
    }
}
