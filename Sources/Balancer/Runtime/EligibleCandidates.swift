import Picking

/// The candidates admission picks from, kept from one request to the next.
///
/// Computing them reads every backend's state under its lock: for a pool of 40 backends that was 1.5 µs of every
/// request, where nginx's round robin costs a few nanoseconds per backend. They change only when a backend's
/// standing does (counted by ``StandingChanges``) or with time: an ejection ends, a slow-start ramp moves. So they
/// are kept until the count moves or the earliest such time arrives; while a backend ramps up they are computed
/// for every request, since its weight changes continuously.
struct EligibleCandidates {
    /// Primaries with a positive effective weight, or the backups when there is none (``BackendPicker``'s rule).
    private(set) var candidates: [PickCandidate] = []
    /// The standing-change count they were computed at; nil before the first computation.
    private var computedAt: UInt64?
    /// When time alone changes them next; nil when nothing is due.
    private var validUntil: ContinuousClock.Instant?

    /// Whether the kept candidates still hold at `now`, `changes` being the pool's current standing-change count.
    func areCurrent(changes: UInt64, now: ContinuousClock.Instant) -> Bool {
        guard computedAt == changes else { return false }
        guard let validUntil else { return true }
        return now < validUntil
    }

    /// Computes the candidates at `now`, reading each backend's standing once; `changes` must be read before.
    mutating func recompute(
        changes: UInt64, now: ContinuousClock.Instant, backends: [BackendRuntime], picker: BackendPicker, slowStart: Duration
    ) {
        var due: ContinuousClock.Instant?
        picker.collectCandidates(into: &candidates, excluding: []) { i in
            let standing = backends[i].standing(now: now, slowStart: slowStart)
            if let changesAt = standing.changesAt, due.map({ changesAt < $0 }) ?? true { due = changesAt }
            return standing.weight
        }
        computedAt = changes
        validUntil = due
    }
}
