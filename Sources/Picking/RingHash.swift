import Synchronization

/// Consistent hashing on a ring of virtual nodes: each backend owns `pointsPerWeight × weight` points, and a
/// key goes to the owner of the first point at or after its hash.
///
/// This is the scheme of HAProxy's `hash-type consistent` and nginx's `hash … consistent` (ketama). Its
/// evenness depends on the number of points: with few points per backend the arcs between points differ a
/// lot in length, and so do the backends' shares. ConfigCheck runs it with each balancer's point count to show
/// that skew; Evenkeel's balancer uses the more even ``MaglevTable`` instead.
public final class RingHash: PickingAlgorithm {
    private struct Ring {
        var key: [Int]
        var hashes: [UInt64]
        var owners: [Int]
    }

    private let names: [String]
    private let pointsPerWeight: Int
    private let state: Mutex<(ring: Ring?, random: SplitMix64)>

    /// Creates the ring for backends named `backendNames` with `pointsPerWeight` points per unit of weight.
    public init(backendNames: [String], pointsPerWeight: Int, seed: UInt64? = nil) {
        names = backendNames
        self.pointsPerWeight = max(1, pointsPerWeight)
        state = Mutex((nil, seed.map(SplitMix64.init(seed:)) ?? SplitMix64()))
    }

    /// Picks the owner of the first ring point at or after the key's hash; keyless requests go at random.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        state.withLock { state in
            let ringKey = candidates.flatMap { [$0.index, max(1, Int($0.weight.rounded()))] }
            if state.ring?.key != ringKey {
                var points: [(hash: UInt64, owner: Int)] = []
                for candidate in candidates {
                    let count = pointsPerWeight * max(1, Int(candidate.weight.rounded()))
                    for point in 0..<count {
                        points.append((SplitMix64.hash("\(names[candidate.index])#\(point)"), candidate.index))
                    }
                }
                points.sort { $0.hash < $1.hash }
                state.ring = Ring(key: ringKey, hashes: points.map(\.hash), owners: points.map(\.owner))
            }
            let ring = state.ring!
            let hash = key.map { SplitMix64.hash($0) } ?? state.random.next()
            var low = 0
            var high = ring.hashes.count
            while low < high {
                let middle = (low + high) / 2
                if ring.hashes[middle] < hash { low = middle + 1 } else { high = middle }
            }
            return ring.owners[low == ring.hashes.count ? 0 : low]
        }
    }
}
