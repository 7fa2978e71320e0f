import BalancerConfig
import Foundation

/// rise 1 and fall 1: one slow answer takes a backend out and one good one puts it back, so shares swing.
public struct FlappingThresholdsRule: Rule {
    public static let id = "EK107"
    public static let title = "flapping thresholds"
    public static let severity = Severity.info
    public static let hint = "Use rise ≥ 2 and fall ≥ 2 so one probe cannot move a backend in or out."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard let health = pool.activeHealth, health.rise <= 1, health.fall <= 1 else { return nil }
            return config.finding(
                self, line: health.thresholdsLine,
                "pool \(pool.name) moves a backend in or out on a single probe (rise \(health.rise), fall \(health.fall)): its traffic share will swing with every slow answer")
        }
    }
}
