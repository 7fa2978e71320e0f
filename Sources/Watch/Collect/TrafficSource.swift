/// Something Watch reads each interval: a balancer's view of its pools, the configuration changes it saw, or both.
public protocol TrafficSource: Sendable {
    /// How people and incidents name it (a URL or a path).
    var name: String { get }

    /// Reads it once, within `timeout`.
    func read(timeout: Duration) async throws(SourceError) -> SourceReading
}

/// What one read of a source gave.
public struct SourceReading: Sendable {
    /// The pools it sees, with cumulative counters.
    public var pools: [PoolSample]
    /// Configuration changes it knows of (every one it keeps; Watch drops those already seen).
    public var changes: [ConfigChange]

    public init(pools: [PoolSample], changes: [ConfigChange]) {
        self.pools = pools
        self.changes = changes
    }
}
