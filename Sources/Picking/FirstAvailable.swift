import Synchronization

/// Fills backends in configuration order: the first one below its connection limit takes the request.
///
/// HAProxy's `balance first` works this way, on purpose, to let idle servers power down: weights are ignored
/// and, without per-server `maxconn`, the first server takes every request. ConfigCheck runs it to show that
/// share; Evenkeel's balancer does not offer it.
public final class FirstAvailable: PickingAlgorithm {
    private let limits: [Int?]
    private let inFlight: Mutex<[Int]>

    /// Creates the algorithm; `limits[i]` is backend `i`'s connection limit, nil for none.
    public init(limits: [Int?]) {
        self.limits = limits
        inFlight = Mutex(Array(repeating: 0, count: limits.count))
    }

    /// Picks the first candidate, in configuration order, with room under its limit; when all are full, the
    /// one with the most room relative to its limit (where a queued request would go first).
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        inFlight.withLock { inFlight in
            let ordered = candidates.sorted { $0.index < $1.index }
            if let free = ordered.first(where: { candidate in limits[candidate.index].map { inFlight[candidate.index] < $0 } ?? true }) {
                return free.index
            }
            return ordered.min { fullness($0.index, inFlight) < fullness($1.index, inFlight) }!.index
        }
    }

    private func fullness(_ index: Int, _ inFlight: [Int]) -> Double {
        Double(inFlight[index]) / Double(max(1, limits[index] ?? Int.max))
    }

    /// Counts a request in flight on `backend`.
    public func requestStarted(_ backend: Int) {
        inFlight.withLock { $0[backend] += 1 }
    }

    /// Counts a request on `backend` as done.
    public func requestFinished(_ backend: Int, latency: Duration?) {
        inFlight.withLock { $0[backend] = max(0, $0[backend] - 1) }
    }
}
