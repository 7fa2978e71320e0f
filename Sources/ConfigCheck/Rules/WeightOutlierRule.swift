import BalancerConfig
import Foundation

/// A backend whose weight dwarfs the others' gets most of the pool's traffic, the postmortem's failure.
public struct WeightOutlierRule: Rule {
    public static let id = "EK101"
    public static let title = "weight outlier"
    public static let severity = Severity.error
    public static let hint = "Give backends of equal capacity equal weights; a weight over 4x the median is almost always a typo."
    /// A weight this many times the median of the others is an outlier.
    static let factor = 4.0

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        var findings: [Finding] = []
        for pool in config.pools where pool.algorithm.usesWeights {
            let primaries = pool.primaries.filter { $0.weight > 0 }
            guard primaries.count >= 2 else { continue }
            let total = Double(primaries.reduce(0) { $0 + $1.weight })
            for (index, server) in primaries.enumerated() {
                var others = primaries.map(\.weight)
                others.remove(at: index)
                others.sort()
                let median = Double(others[others.count / 2])
                guard Double(server.weight) >= Self.factor * median else { continue }
                let share = Double(server.weight) / total
                findings.append(
                    config.finding(
                        self, line: server.weightLine,
                        "\(server.name) will receive ~\(Percent(share)) of requests in pool \(pool.name): weight \(server.weight) vs \(Int(median)) for the others"
                    ))
            }
        }
        return findings
    }
}
