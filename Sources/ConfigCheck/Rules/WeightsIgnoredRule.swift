import Foundation
/// Weights written for an algorithm that does not use them do not do what the author meant.
public struct WeightsIgnoredRule: Rule {
    public static let id = "EK120"
    public static let title = "weights on an algorithm that ignores them"
    public static let severity = Severity.warning
    public static let hint = "Use an algorithm that honours weights (roundrobin, leastconn), or drop the weights so the file says what happens."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            let weights = pool.primaries.map(\.weight)
            guard !pool.algorithm.usesWeights, Set(weights).count > 1 else { return nil }
            return config.finding(
                self, line: pool.algorithmLine,
                "pool \(pool.name) sets weights \(weights.map(String.init).joined(separator: ", ")) but its algorithm (\(pool.algorithm)) ignores them: servers fill in configuration order")
        }
    }
}
