import BalancerConfig
import Foundation

/// The simulated distribution gives a backend more than its intended share by more than the tolerance.
public struct SimulatedSkewRule: Rule {
    public static let id = "EK116"
    public static let title = "simulated share above intended"
    public static let severity = Severity.error
    public static let hint = "Change the algorithm or its key so requests spread by weight; see the pool's simulated shares with --format json."
    /// How far above its intended share a backend may get, relatively.
    public static let tolerance = 0.25

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        simulation.compactMap { distribution in
            guard let pool = config.pools.first(where: { $0.name == distribution.pool }),
                let worst = distribution.servers.max(by: { ($0.ratio ?? 0) < ($1.ratio ?? 0) }), let ratio = worst.ratio,
                ratio > 1 + Self.tolerance
            else { return nil }
            return config.finding(
                self, line: pool.algorithmLine,
                "with \(distribution.clients) distinct clients, \(worst.name) would receive ~\(Percent(worst.expectedShare)) of pool \(pool.name)'s requests, \(String(format: "%.1f", ratio))x its intended \(Percent(worst.intendedShare))")
        }
    }
}
