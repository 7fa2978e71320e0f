import Synchronization

/// Power of two choices over a latency EWMA: draw two distinct candidates at random (by weight) and send
/// the request to the one with the lower `(in-flight + 1) × latency EWMA ÷ weight`.
///
/// Two random choices avoid the herd behaviour of always taking the global minimum, while still steering
/// away from slow or busy backends.
public final class PowerOfTwoChoicesEWMA: PickingAlgorithm {
    private struct State {
        var inFlight: [Int]
        /// Latency EWMA in milliseconds; nil until the first response.
        var ewma: [Double?]
        var random: SplitMix64
    }

    /// Weight of the newest latency sample in the average.
    public static let smoothing = 0.3
    /// Latency assumed for a backend with no samples yet, in milliseconds.
    public static let initialLatencyMilliseconds = 1.0

    private let state: Mutex<State>

    /// Creates the algorithm for `backendCount` backends; `seed` makes the random draws reproducible.
    public init(backendCount: Int, seed: UInt64? = nil) {
        state = Mutex(State(
            inFlight: Array(repeating: 0, count: backendCount),
            ewma: Array(repeating: nil, count: backendCount),
            random: seed.map(SplitMix64.init(seed:)) ?? SplitMix64()))
    }

    /// Picks the cheaper of two weighted random candidates.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        state.withLock { s in
            if candidates.count == 1 { return candidates[0].index }
            let first = candidates.weightedPosition(s.random.unit())
            var rest = candidates
            rest.remove(at: first)
            let a = candidates[first]
            let b = rest[rest.weightedPosition(s.random.unit())]
            func cost(_ c: PickCandidate) -> Double {
                Double(s.inFlight[c.index] + 1) * (s.ewma[c.index] ?? Self.initialLatencyMilliseconds) / c.weight
            }
            return cost(b) < cost(a) ? b.index : a.index
        }
    }

    /// Counts a request in flight on `backend`.
    public func requestStarted(_ backend: Int) {
        state.withLock { $0.inFlight[backend] += 1 }
    }

    /// Counts the request done and folds its latency into the backend's EWMA.
    public func requestFinished(_ backend: Int, latency: Duration?) {
        state.withLock { s in
            s.inFlight[backend] = max(0, s.inFlight[backend] - 1)
            guard let latency else { return }
            let ms = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
            if let old = s.ewma[backend] {
                s.ewma[backend] = old * (1 - Self.smoothing) + ms * Self.smoothing
            } else {
                s.ewma[backend] = ms
            }
        }
    }

    /// The current latency EWMA of `backend` in milliseconds, nil before any sample.
    public func latencyEWMA(_ backend: Int) -> Double? { state.withLock { $0.ewma[backend] } }
}
