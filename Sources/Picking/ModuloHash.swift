import Synchronization

/// Weighted modulo hashing ("map-based"): the key's hash modulo the total weight picks a slot, and slots are
/// laid out backend after backend in proportion to weight.
///
/// This is how HAProxy's default `hash-type map-based` and nginx's `hash` (without `consistent`) and
/// `ip_hash` place keys. It follows weights exactly when keys are many, but every change to the eligible set
/// remaps almost every key, and a handful of keys (a NAT, a CDN, a constant) can land on one backend.
/// ConfigCheck runs it to simulate those balancers; Evenkeel's own balancer offers consistent hashing instead.
public final class ModuloHash: PickingAlgorithm {
    private let random: Mutex<SplitMix64>

    /// Creates the algorithm; `seed` makes the spread of keyless requests reproducible.
    public init(seed: UInt64? = nil) {
        random = Mutex(seed.map(SplitMix64.init(seed:)) ?? SplitMix64())
    }

    /// Picks the candidate whose weight slot the key's hash falls in; requests without a key go at random.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        let weights = candidates.map { max(1, UInt64($0.weight.rounded())) }
        let total = weights.reduce(0, +)
        let hash = key.map { SplitMix64.hash($0) } ?? random.withLock { $0.next() }
        var slot = hash % total
        for (position, weight) in weights.enumerated() {
            if slot < weight { return candidates[position].index }
            slot -= weight
        }
        return candidates[candidates.count - 1].index
    }
}
