import Synchronization

/// Weighted least connections: the candidate with the fewest in-flight requests per unit of weight wins;
/// ties rotate so equally idle backends share the load.
public final class WeightedLeastConnections: PickingAlgorithm {
    private struct State {
        var inFlight: [Int]
        var rotation = 0
    }

    private let state: Mutex<State>

    /// Creates the algorithm for a pool of `backendCount` backends.
    public init(backendCount: Int) {
        state = Mutex(State(inFlight: Array(repeating: 0, count: backendCount)))
    }

    /// Picks the least loaded candidate relative to its weight.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        state.withLock { s in
            s.rotation &+= 1
            let start = s.rotation % candidates.count
            var best = candidates[start]
            var bestLoad = Double(s.inFlight[best.index] + 1) / best.weight
            for step in 1..<max(candidates.count, 1) {
                let c = candidates[(start + step) % candidates.count]
                let load = Double(s.inFlight[c.index] + 1) / c.weight
                if load < bestLoad {
                    best = c
                    bestLoad = load
                }
            }
            return best.index
        }
    }

    /// Counts a request in flight on `backend`.
    public func requestStarted(_ backend: Int) {
        state.withLock { $0.inFlight[backend] += 1 }
    }

    /// Counts a request on `backend` as done.
    public func requestFinished(_ backend: Int, latency: Duration?) {
        state.withLock { $0.inFlight[backend] = max(0, $0.inFlight[backend] - 1) }
    }

    /// Current in-flight count of `backend` as this algorithm sees it.
    public func inFlight(_ backend: Int) -> Int { state.withLock { $0.inFlight[backend] } }
}
