/// Something Watch reads each interval: a balancer's view of its pools, the configuration changes it saw, or both.
public protocol TrafficSource: Sendable {
    /// How people and incidents name it (a URL or a path).
    var name: String { get }

    /// Reads it once, within `timeout`.
    func read(timeout: Duration) async throws(SourceError) -> SourceReading

    /// Whether Watch is blind without it, so that failing to read it is an incident (`target_unreachable`). A
    /// replica's own metrics are not: when the replica is down, the balancer says so.
    var isEssential: Bool { get }
}

extension TrafficSource {
    public var isEssential: Bool { true }
}

/// What one read of a source gave.
public struct SourceReading: Sendable {
    /// The pools it sees, with cumulative counters.
    public var pools: [PoolSample]
    /// Configuration changes it knows of (every one it keeps; Watch drops those already seen).
    public var changes: [ConfigChange]
    /// Replicas' own counts, from their metrics.
    public var replicas: [ReplicaSample]

    public init(pools: [PoolSample], changes: [ConfigChange], replicas: [ReplicaSample] = []) {
        self.pools = pools
        self.changes = changes
        self.replicas = replicas
    }
}
