import Synchronization

/// Weighted random choice: each candidate is chosen with probability weight ÷ total weight.
public final class WeightedRandom: PickingAlgorithm {
    private let random: Mutex<SplitMix64>

    /// Creates the algorithm; `seed` makes the sequence reproducible.
    public init(seed: UInt64? = nil) {
        random = Mutex(seed.map(SplitMix64.init(seed:)) ?? SplitMix64())
    }

    /// Picks a candidate at random in proportion to weight.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        let u = random.withLock { $0.unit() }
        return candidates[candidates.weightedPosition(u)].index
    }
}
