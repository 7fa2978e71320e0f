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
            var isCandidate = Array(repeating: false, count: scores.count)
            for c in candidates {
                isCandidate[c.index] = true
                scores[c.index] += c.weight
                total += c.weight
                if scores[c.index] > bestScore {
                    bestScore = scores[c.index]
                    best = c.index
                }
            }
            // A backend that left the eligible set starts fresh when it returns, instead of bursting.
            for i in scores.indices where !isCandidate[i] { scores[i] = 0 }
            scores[best] -= total
            return best
        }
    }
}
