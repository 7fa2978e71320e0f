import Foundation
/// Resending a POST that may already have been processed applies it twice (two applications, two postings).
public struct NonIdempotentRetryRule: Rule {
    public static let id = "EK122"
    public static let title = "retries of non-idempotent requests"
    public static let severity = Severity.warning
    public static let hint = "Remove non_idempotent from proxy_next_upstream; let the client retry POSTs it can make safe (with an idempotency key)."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard let retry = pool.retry, retry.includesNonIdempotent else { return nil }
            return config.finding(
                self, line: retry.line,
                "pool \(pool.name) resends POST and other non-idempotent requests to another server on \(retry.triggers): a request the first server already processed is applied twice, and a slow backend's load is doubled")
        }
    }
}
