import Synchronization

/// Consistent hashing over a weighted ``MaglevTable``: the same key always reaches the same backend while
/// the eligible set is unchanged, and a set change moves few other keys.
///
/// With `boundedLoad` (consistent hashing with bounded loads, Mirrokni et al.), a backend already holding
/// more than `boundedLoad × (total in-flight + 1) × weight share` requests is skipped for the next slot's
/// backend, so one hot key cannot overload a backend. Requests without a key are spread at random.
public final class ConsistentHash: PickingAlgorithm {
    private struct State {
        var tableKey: [Int] = []
        var table: MaglevTable?
        var inFlight: [Int]
        var random: SplitMix64
    }

    private let names: [String]
    private let boundedLoad: Double?
    private let tableSize: Int
    private let state: Mutex<State>

    /// Creates the algorithm for backends named `backendNames` (names, not positions, decide the mapping,
    /// so reordering a file does not remap keys).
    public init(backendNames: [String], boundedLoad: Double? = nil, tableSize: Int = MaglevTable.defaultSize, seed: UInt64? = nil) {
        names = backendNames
        self.boundedLoad = boundedLoad
        self.tableSize = tableSize
        state = Mutex(State(
            inFlight: Array(repeating: 0, count: backendNames.count),
            random: seed.map(SplitMix64.init(seed:)) ?? SplitMix64()))
    }

    /// Picks the backend the key hashes to (or the next one under the load bound).
    public func pick(from candidates: [PickCandidate], key: String?) -> Int {
        state.withLock { s in
            // The table is rebuilt only when the eligible set or a (rounded) weight changes.
            let tableKey = candidates.flatMap { [$0.index, max(1, Int($0.weight.rounded(.up)))] }
            if tableKey != s.tableKey || s.table == nil {
                s.table = MaglevTable(
                    names: candidates.map { names[$0.index] },
                    weights: candidates.map { max(1, Int($0.weight.rounded(.up))) },
                    indices: candidates.map(\.index), size: tableSize)
                s.tableKey = tableKey
            }
            let table = s.table!
            let hash = key.map { SplitMix64.hash($0) } ?? s.random.next()
            let chosen = table.lookup(hash)
            guard let boundedLoad, candidates.count > 1 else { return chosen }
            let total = candidates.reduce(0) { $0 + s.inFlight[$1.index] }
            let totalWeight = candidates.reduce(0) { $0 + $1.weight }
            func underBound(_ index: Int) -> Bool {
                let weight = candidates.first { $0.index == index }?.weight ?? 0
                let capacity = (boundedLoad * Double(total + 1) * weight / totalWeight).rounded(.up)
                return Double(s.inFlight[index] + 1) <= capacity
            }
            if underBound(chosen) { return chosen }
            let start = Int(hash % UInt64(tableSize))
            for step in 1..<tableSize {
                let index = Int(table.slots[(start + step) % tableSize])
                if underBound(index) { return index }
            }
            return chosen
        }
    }

    /// Counts a request in flight on `backend` (used by the load bound).
    public func requestStarted(_ backend: Int) {
        state.withLock { $0.inFlight[backend] += 1 }
    }

    /// Counts a request on `backend` as done.
    public func requestFinished(_ backend: Int, latency: Duration?) {
        state.withLock { $0.inFlight[backend] = max(0, $0.inFlight[backend] - 1) }
    }
}
