import Foundation

/// Consistent hashing with few ring points per server gives servers arcs of very different length, and so
/// very different shares, even with many distinct keys.
public struct FewRingPointsRule: Rule {
    public static let id = "EK119"
    public static let title = "too few points on the hash ring"
    public static let severity = Severity.warning
    public static let hint = "Give every server more ring points: raise all weights together (HAProxy: weight 10 or more gives 160 points)."
    /// Fewer points than this for the lightest server is a finding.
    static let minimumPoints = 100

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard case .hash(let policy) = pool.algorithm, case .ring(let pointsPerWeight) = policy.placement,
                let lightest = pool.primaries.map(\.weight).filter({ $0 > 0 }).min(), pool.primaries.count > 1
            else { return nil }
            let points = pointsPerWeight * lightest
            guard points < Self.minimumPoints else { return nil }
            let many = DistributionSimulator(traffic: TrafficModel(clients: 100_000, requests: 100_000)).simulate(pool)
            let worst = many.servers.filter { $0.intendedShare > 0 }.max { ($0.ratio ?? 0) < ($1.ratio ?? 0) }
            let detail = worst.map {
                "; even with 100,000 distinct keys \($0.name) would get ~\(Percent($0.expectedShare)), \(String(format: "%.2f", $0.ratio ?? 0))x its intended \(Percent($0.intendedShare))"
            } ?? ""
            return config.finding(
                self, line: pool.algorithmLine,
                "pool \(pool.name) hashes onto a ring with only \(points) points for its lightest server (\(pointsPerWeight) per unit of weight × weight \(lightest))\(detail)")
        }
    }
}
