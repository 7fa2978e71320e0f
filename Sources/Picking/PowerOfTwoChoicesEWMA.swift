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
        /// When each EWMA last took a sample.
        var sampledAt: [ContinuousClock.Instant?]
        var random: SplitMix64
    }

    /// Weight of the newest latency sample in the average.
    public static let smoothing = 0.3
    /// Latency assumed for a backend with no samples yet, in milliseconds.
    public static let initialLatencyMilliseconds = 1.0
    /// A latency estimate halves for every this many seconds without a new sample, so a backend that
    /// was slow once is tried again eventually instead of being shunned forever.
    public static let halfLifeSeconds = 5.0

    private let state: Mutex<State>

    /// Creates the algorithm for `backendCount` backends; `seed` makes the random draws reproducible.
    public init(backendCount: Int, seed: UInt64? = nil) {
        state = Mutex(State(
            inFlight: Array(repeating: 0, count: backendCount),
            ewma: Array(repeating: nil, count: backendCount),
            sampledAt: Array(repeating: nil, count: backendCount),
            random: seed.map(SplitMix64.init(seed:)) ?? SplitMix64()))
    }

    /// Picks the cheaper of two weighted random candidates.
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        pick(from: candidates, at: .now)
    }

    /// Picks as of `now` (tests pass explicit instants).
    func pick(from candidates: [PickCandidate], at now: ContinuousClock.Instant) -> Int {
        state.withLock { s in
            if candidates.count == 1 { return candidates[0].index }
            let first = candidates.weightedPosition(s.random.unit())
            var rest = candidates
            rest.remove(at: first)
            let a = candidates[first]
            let b = rest[rest.weightedPosition(s.random.unit())]
            func cost(_ c: PickCandidate) -> Double {
                var latency = s.ewma[c.index] ?? Self.initialLatencyMilliseconds
                if let at = s.sampledAt[c.index] {
                    let age = now - at
                    let seconds = Double(age.components.seconds) + Double(age.components.attoseconds) / 1e18
                    latency *= pow2(-seconds / Self.halfLifeSeconds)
                }
                return Double(s.inFlight[c.index] + 1) * latency / c.weight
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
        requestFinished(backend, latency: latency, at: .now)
    }

    /// Records a finished request as of `now`.
    func requestFinished(_ backend: Int, latency: Duration?, at now: ContinuousClock.Instant) {
        state.withLock { s in
            s.inFlight[backend] = max(0, s.inFlight[backend] - 1)
            guard let latency else { return }
            let ms = Double(latency.components.seconds) * 1000 + Double(latency.components.attoseconds) / 1e15
            if let old = s.ewma[backend] {
                s.ewma[backend] = old * (1 - Self.smoothing) + ms * Self.smoothing
            } else {
                s.ewma[backend] = ms
            }
            s.sampledAt[backend] = now
        }
    }

    /// The current latency EWMA of `backend` in milliseconds, nil before any sample.
    public func latencyEWMA(_ backend: Int) -> Double? { state.withLock { $0.ewma[backend] } }
}

/// 2^x for the decay factor, without importing Foundation into the picking code.
private func pow2(_ x: Double) -> Double {
    // exp(x ln 2) through the standard library's Double arithmetic: split into integer and fraction.
    let whole = x.rounded(.down)
    let fraction = x - whole
    // 2^fraction for fraction in [0, 1) by a short Taylor series of e^(fraction ln 2).
    let y = fraction * 0.6931471805599453
    var term = 1.0, sum = 1.0
    for n in 1...12 {
        term *= y / Double(n)
        sum += term
    }
    guard whole > -1000 else { return 0 }
    return sum * Double(sign: .plus, exponent: Int(whole), significand: 1)
}
