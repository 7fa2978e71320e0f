import Synchronization

/// Smooth weighted round robin (the nginx scheme): each pick adds every candidate's weight to its
/// running score, takes the highest score and subtracts the total weight from it.
///
/// Over any `sum(weights)` consecutive picks each backend is chosen exactly `weight` times, interleaved
/// rather than in bursts. The one state is shared by all event loops behind a `Mutex`, so the split is
/// exact for the whole balancer, not per thread.
public final class SmoothWeightedRoundRobin: PickingAlgorithm {
    private let scores: Mutex<[Double]>

    /// Creates the algorithm for a pool of `backendCount` backends.
    public init(backendCount: Int) {
        scores = Mutex(Array(repeating: 0, count: backendCount))
    }

    /// Picks the candidate with the highest running score.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        scores.withLock { scores in
            var total = 0.0
            var best = candidates[0].index
            var bestScore = -Double.infinity
            var inIndexOrder = true
            var previous = -1
            for c in candidates {
                inIndexOrder = inIndexOrder && c.index > previous
                previous = c.index
                scores[c.index] += c.weight
                total += c.weight
                if scores[c.index] > bestScore {
                    bestScore = scores[c.index]
                    best = c.index
                }
            }
            // A backend that left the eligible set starts fresh when it returns, instead of bursting. Candidates
            // come in index order from `BackendPicker`, so one merge walk finds the others without allocating.
            if inIndexOrder {
                var position = 0
                for i in scores.indices {
                    if position < candidates.count && candidates[position].index == i {
                        position += 1
                    } else {
                        scores[i] = 0
                    }
                }
            } else {
                let eligible = Set(candidates.map(\.index))
                for i in scores.indices where !eligible.contains(i) { scores[i] = 0 }
            }
            scores[best] -= total
            return best
        }
    }
}
