/// What changed between two configurations, in the terms a reload event reports: pools and backends
/// added or removed, weight changes and algorithm changes.
public struct ConfigDiff: Sendable, Equatable, CustomStringConvertible {
    /// A backend's weight changing within a pool.
    public struct WeightChange: Sendable, Equatable {
        /// Pool name.
        public var pool: String
        /// Backend name.
        public var backend: String
        /// Weight before.
        public var from: Int
        /// Weight after.
        public var to: Int

        /// Creates a weight change record.
        public init(pool: String, backend: String, from: Int, to: Int) {
            self.pool = pool
            self.backend = backend
            self.from = from
            self.to = to
        }
    }

    /// A pool's algorithm changing.
    public struct AlgorithmChange: Sendable, Equatable {
        /// Pool name.
        public var pool: String
        /// Algorithm before.
        public var from: AlgorithmConfig
        /// Algorithm after.
        public var to: AlgorithmConfig
    }

    /// Pools only in the new configuration.
    public var poolsAdded: [String] = []
    /// Pools only in the old configuration.
    public var poolsRemoved: [String] = []
    /// `pool/backend` names only in the new configuration.
    public var backendsAdded: [String] = []
    /// `pool/backend` names only in the old configuration.
    public var backendsRemoved: [String] = []
    /// Weight changes of backends present in both.
    public var weightChanges: [WeightChange] = []
    /// Algorithm changes of pools present in both.
    public var algorithmChanges: [AlgorithmChange] = []
    /// Whether anything else (timeouts, limits, health, addresses, …) differs.
    public var otherChanges: Bool = false

    /// Compares `old` with `new`, matching pools and backends by name.
    public init(from old: BalancerConfiguration, to new: BalancerConfiguration) {
        let oldPools = Dictionary(old.pools.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newPools = Dictionary(new.pools.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        poolsAdded = new.pools.map(\.name).filter { oldPools[$0] == nil }
        poolsRemoved = old.pools.map(\.name).filter { newPools[$0] == nil }
        for pool in new.pools {
            guard let before = oldPools[pool.name] else { continue }
            if before.algorithm != pool.algorithm {
                algorithmChanges.append(AlgorithmChange(pool: pool.name, from: before.algorithm, to: pool.algorithm))
            }
            let oldBackends = Dictionary(before.backends.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let newNames = Set(pool.backends.map(\.name))
            for b in pool.backends {
                guard let ob = oldBackends[b.name] else {
                    backendsAdded.append("\(pool.name)/\(b.name)")
                    continue
                }
                if ob.weight != b.weight {
                    weightChanges.append(WeightChange(pool: pool.name, backend: b.name, from: ob.weight, to: b.weight))
                }
                var a = ob
                a.weight = b.weight
                if a != b { otherChanges = true }
            }
            backendsRemoved += before.backends.map(\.name).filter { !newNames.contains($0) }.map { "\(pool.name)/\($0)" }
            var x = before, y = pool
            x.backends = []; y.backends = []; x.algorithm = .random; y.algorithm = .random
            if x != y { otherChanges = true }
        }
        var o = old, n = new
        o.pools = []; n.pools = []
        if o != n { otherChanges = true }
    }

    /// Whether the two configurations are identical.
    public var isEmpty: Bool {
        poolsAdded.isEmpty && poolsRemoved.isEmpty && backendsAdded.isEmpty && backendsRemoved.isEmpty
            && weightChanges.isEmpty && algorithmChanges.isEmpty && !otherChanges
    }

    /// A one-line summary, e.g. `+backend web/c; weight web/a 1→3; algorithm web round_robin→random`.
    public var description: String {
        var parts: [String] = []
        parts += poolsAdded.map { "+pool \($0)" }
        parts += poolsRemoved.map { "-pool \($0)" }
        parts += backendsAdded.map { "+backend \($0)" }
        parts += backendsRemoved.map { "-backend \($0)" }
        parts += weightChanges.map { "weight \($0.pool)/\($0.backend) \($0.from)→\($0.to)" }
        parts += algorithmChanges.map { "algorithm \($0.pool) \($0.from)→\($0.to)" }
        if otherChanges { parts.append("other settings changed") }
        return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
    }
}
