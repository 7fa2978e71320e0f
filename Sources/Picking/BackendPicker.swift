import BalancerConfig

/// Picks a backend of one pool for each request: applies the backup rule and exclusions, then asks the
/// pool's ``PickingAlgorithm``.
///
/// This is the public entry point ConfigCheck uses to simulate a configuration: build it from the pool's
/// `[BackendConfig]` and `AlgorithmConfig`, call ``pick(requestKey:effectiveWeights:excluding:)`` many
/// times and count, feeding ``requestStarted(_:)``/``requestFinished(_:latency:)`` to model load.
public struct BackendPicker: Sendable {
    /// The pool's backends, in configuration order; picks return indices into this array.
    public let backends: [BackendConfig]
    /// The algorithm instance (shared by every copy of this picker).
    public let algorithm: any PickingAlgorithm

    /// Creates a picker; `seed` makes random-based algorithms reproducible.
    public init(backends: [BackendConfig], algorithm config: AlgorithmConfig, seed: UInt64? = nil) {
        self.backends = backends
        switch config {
        case .roundRobin: algorithm = SmoothWeightedRoundRobin(backendCount: backends.count)
        case .leastConnections: algorithm = WeightedLeastConnections(backendCount: backends.count)
        case .p2cEWMA: algorithm = PowerOfTwoChoicesEWMA(backendCount: backends.count, seed: seed)
        case .consistentHash(_, let bound):
            algorithm = ConsistentHash(backendNames: backends.map(\.name), boundedLoad: bound, seed: seed)
        case .random: algorithm = WeightedRandom(seed: seed)
        }
    }

    /// Creates a picker that runs `algorithm`, one of the picking types (ConfigCheck uses this for the
    /// HAProxy and nginx schemes the balancer itself does not offer).
    public init(backends: [BackendConfig], algorithm: any PickingAlgorithm) {
        self.backends = backends
        self.algorithm = algorithm
    }

    /// The candidates a request may go to: primaries with a positive effective weight, or, when there
    /// is none, the backups; minus `excluding` (backends a retry already tried).
    ///
    /// `effectiveWeights[i]` is backend `i`'s weight after health, ejection, drain and slow start (0 =
    /// not eligible); nil means every backend is eligible at its configured weight.
    public func candidates(effectiveWeights: [Double]? = nil, excluding: Set<Int> = []) -> [PickCandidate] {
        var eligible: [PickCandidate] = []
        collectCandidates(into: &eligible, excluding: excluding) { effectiveWeights?[$0] ?? Double(backends[$0].weight) }
        return eligible
    }

    /// ``candidates(effectiveWeights:excluding:)`` into a buffer the caller reuses, asking `weight` for backend
    /// `i`'s effective weight (backups only when no primary is eligible). The proxy admits every request through
    /// this, so it allocates nothing.
    package func collectCandidates(into eligible: inout [PickCandidate], excluding: Set<Int>, weight: (Int) -> Double) {
        eligible.removeAll(keepingCapacity: true)
        for pass in 0..<2 {
            for (i, b) in backends.enumerated() where b.backup == (pass == 1) && !excluding.contains(i) {
                let w = weight(i)
                if w > 0 { eligible.append(PickCandidate(index: i, weight: w)) }
            }
            if !eligible.isEmpty { return }
        }
    }

    /// The index of the backend for this request, or nil when no backend is eligible.
    public func pick(requestKey: String? = nil, effectiveWeights: [Double]? = nil, excluding: Set<Int> = []) -> Int? {
        let eligible = candidates(effectiveWeights: effectiveWeights, excluding: excluding)
        guard !eligible.isEmpty else { return nil }
        return algorithm.pick(from: eligible, key: requestKey)
    }

    /// Records that a request was sent to backend `index`.
    public func requestStarted(_ index: Int) { algorithm.requestStarted(index) }

    /// Records that a request to backend `index` finished (`latency` nil when it failed without a response).
    public func requestFinished(_ index: Int, latency: Duration?) { algorithm.requestFinished(index, latency: latency) }
}
