import BalancerConfig
import Picking

/// How a pool's traffic is meant to be shared: a weight per backend name, any positive scale. A backend
/// with weight zero (or not named at all) is meant to get nothing.
///
/// Every part reads intentions through this one type: the balancer's `/admin/stats`, ConfigCheck's
/// simulation and live check, LoadGen's distribution figures and Watch.
public struct IntendedShares: Sendable, Equatable, Codable {
    /// Backend name → weight; shares are weight over the total of the positive weights.
    public var weights: [String: Double]

    /// Shares in proportion to `weights`.
    public init(weights: [String: Double]) {
        self.weights = weights
    }

    /// Every named backend meant to get the same share.
    public static func even(_ names: some Sequence<String>) -> IntendedShares {
        IntendedShares(weights: Dictionary(names.map { ($0, 1.0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// An Evenkeel pool's intention: its primaries' configured weights by backend name. Backups are left
    /// out: they take traffic only when no primary is eligible, so traffic on one is itself a finding.
    public init(pool: PoolConfig) {
        var weights: [String: Double] = [:]
        for backend in pool.backends where !backend.backup { weights[backend.name, default: 0] += Double(backend.weight) }
        self.weights = weights
    }

    /// The sum of the positive weights.
    public var totalWeight: Double { weights.values.filter { $0 > 0 }.reduce(0, +) }

    /// The share `name` is meant to get, 0...1.
    public func share(of name: String) -> Double {
        let total = totalWeight
        guard total > 0, let weight = weights[name], weight > 0 else { return 0 }
        return weight / total
    }

    /// The backends meant to get traffic, by name.
    public var intendedNames: [String] { weights.filter { $0.value > 0 }.keys.sorted() }

    /// Each backend's expected share right now, by index: its effective weight over the sum of the eligible set's
    /// (the candidates the pool's picking rule offers: primaries, or backups when no primary is eligible).
    public static func expected(candidates: [PickCandidate], backendCount: Int) -> [Double] {
        let total = candidates.reduce(0) { $0 + $1.weight }
        var shares = Array(repeating: 0.0, count: backendCount)
        guard total > 0 else { return shares }
        for candidate in candidates { shares[candidate.index] = candidate.weight / total }
        return shares
    }
}
