import BalancerConfig
import Foundation

/// A primary backend with weight 0 never gets traffic: capacity paid for and idle, the others carry its share.
public struct ZeroWeightRule: Rule {
    public static let id = "EK102"
    public static let title = "zero weight"
    public static let severity = Severity.warning
    public static let hint = "Remove the backend, mark it `backup: true`, or give it a weight like its peers."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.flatMap { pool in
            pool.primaries.filter { $0.weight == 0 }.map { server in
                config.finding(
                    self, line: server.weightLine,
                    "\(server.name) has weight 0 and will receive no requests; the other \(pool.primaries.count - 1) backends of pool \(pool.name) carry its share")
            }
        }
    }
}
