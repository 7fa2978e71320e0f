import BalancerConfig
import Foundation

/// interval × fall is how long a dead backend keeps receiving requests before checks take it out.
public struct SlowFailureDetectionRule: Rule {
    public static let id = "EK106"
    public static let title = "slow failure detection"
    public static let severity = Severity.warning
    public static let hint = "Keep interval × fall under 30 s (for example interval 5s, fall 3)."
    static let limit: Duration = .seconds(30)

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.configuration.pools.enumerated().compactMap { poolIndex, pool in
            guard pool.health.enabled else { return nil }
            let detection = pool.health.interval * pool.health.fall
            guard detection > Self.limit else { return nil }
            return config.finding(
                self, at: "pools[\(poolIndex)].health.interval",
                "pool \(pool.name) needs \(detection) (interval \(pool.health.interval) × fall \(pool.health.fall)) to notice a dead backend; it keeps its share of requests until then")
        }
    }
}
