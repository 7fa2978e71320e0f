import Synchronization

/// Whether this replica should get new traffic. It turns false when graceful shutdown begins,
/// so `/readyz` answers 503 and a balancer drains the node before it stops.
public final class Readiness: Sendable {
    private let draining = Mutex(false)

    public init() {}

    public var isDraining: Bool { draining.withLock { $0 } }

    public func beginDraining() {
        draining.withLock { $0 = true }
    }
}
