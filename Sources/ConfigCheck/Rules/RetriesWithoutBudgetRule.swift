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
        config.pools.compactMap { pool in
            guard let retry = pool.retry, retry.attempts > 0 else { return nil }
            if let budget = retry.budgetPercent {
                guard budget >= 50 else { return nil }
                return config.finding(
                    self, line: retry.line,
                    "pool \(pool.name) may retry up to \(retry.attempts) times with a \(budget)% budget: when backends fail, requests to the rest multiply up to \(retry.attempts + 1)x")
            }
            guard retry.attempts >= 2 else { return nil }
            return config.finding(
                self, line: retry.line,
                "pool \(pool.name) resends a request up to \(retry.attempts) times on \(retry.triggers), with no retry budget: when backends slow down, the load on the rest multiplies up to \(retry.attempts + 1)x")
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: hint
        case .haproxy: "Retry on connection failures only (`retry-on conn-failure empty-response`), or keep `retries` at 1."
        case .nginx: "Set `proxy_next_upstream_tries 2` (one retry), and retry on http_5xx only where the request is cheap."
        }
    }
}
