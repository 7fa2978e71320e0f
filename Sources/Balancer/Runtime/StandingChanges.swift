import Synchronization

/// Counts changes to the standing of a pool's backends: health, drain, ejection. Every event-driven change to
/// whether (or from when) a backend may be picked is recorded here, so admission can keep the candidates it
/// computed and recompute them only when this count moved or a time-based change fell due (see
/// ``EligibleCandidates``).
final class StandingChanges: Sendable {
    private let count = Atomic<UInt64>(0)

    init() {}

    /// Records a change; called after the backend's state was changed, under its lock.
    func record() { count.wrappingAdd(1, ordering: .releasing) }

    /// The number of changes recorded so far.
    var current: UInt64 { count.load(ordering: .acquiring) }
}
