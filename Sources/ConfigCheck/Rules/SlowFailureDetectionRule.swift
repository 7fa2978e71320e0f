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
        config.pools.compactMap { pool in
            guard let health = pool.activeHealth else { return nil }
            let detection = health.interval * health.fall
            guard detection > Self.limit else { return nil }
            return config.finding(
                self, line: health.intervalLine,
                "pool \(pool.name) needs \(detection) (interval \(health.interval) × fall \(health.fall)) to notice a dead backend; it keeps its share of requests until then")
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        dialect == .haproxy ? "Lower `inter` (for example 2s) or `fall` so inter × fall stays under 30s." : hint
    }
}
