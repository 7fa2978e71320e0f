import BalancerAPI
import BalancerConfig
import Distribution
import Prometheus
import Synchronization

/// The live state of one backend: health, ejection, drain, slow start, load and counters.
///
/// Shared by every event loop, so it lives behind a `Mutex`; each operation holds the lock briefly.
public final class BackendRuntime: Sendable {
    /// Counters and state guarded by the lock.
    struct State {
        var activeHealthy = true
        var consecutiveProbeSuccesses = 0
        var consecutiveProbeFailures = 0
        var consecutiveFailures = 0
        var ejectedUntil: ContinuousClock.Instant?
        var ejections = 0
        var draining = false
        /// When the backend (re)entered service, for slow start.
        var inServiceSince: ContinuousClock.Instant
        var inFlight = 0
        /// WebSocket tunnels open now (each also in `inFlight`).
        var tunnels = 0
        var requests = 0
        var responses1xx = 0
        var responses2xx = 0
        var responses3xx = 0
        var responses4xx = 0
        var responses5xx = 0
        var connectErrors = 0
        var retries = 0
        var latency = LatencyHistogram()
        var share = ShareWindow()
    }

    /// The backend's configuration.
    public let config: BackendConfig
    /// Its index in the pool.
    public let index: Int
    let state: Mutex<State>
    /// The Prometheus latency histogram of this backend, when metrics are kept.
    let latencyMetric: DurationHistogram?
    /// The number of this backend's address (see ``UpstreamAddressID``): where upstream connection pools keep its idle
    /// connections.
    let addressID: Int
    /// Where changes to this backend's health, drain and ejection are counted, shared by the pool's backends.
    let standingChanges: StandingChanges

    init(
        config: BackendConfig, index: Int, now: ContinuousClock.Instant, standingChanges: StandingChanges,
        latencyMetric: DurationHistogram? = nil
    ) {
        self.config = config
        self.index = index
        self.state = Mutex(State(inServiceSince: now))
        self.standingChanges = standingChanges
        self.latencyMetric = latencyMetric
        self.addressID = UpstreamAddressID.of(config.address.description)
    }

    /// Current status, derived from health, ejection and drain.
    public func status(now: ContinuousClock.Instant = .now) -> BackendStatus {
        state.withLock { Self.status($0, now: now) }
    }

    static func status(_ s: State, now: ContinuousClock.Instant) -> BackendStatus {
        if s.draining { return .draining }
        if !s.activeHealthy { return .down }
        if let until = s.ejectedUntil, until > now { return .ejected }
        return .healthy
    }

    /// The weight this backend takes part in picking with: 0 unless healthy, scaled up linearly over the
    /// slow-start window after it (re)entered service (starting at 10% so it gets some traffic at once).
    func effectiveWeight(now: ContinuousClock.Instant, slowStart: Duration) -> Double {
        state.withLock { s in effectiveWeight(s, now: now, slowStart: slowStart) }
    }

    /// The effective weight at `now`, and when time alone will change it next: when an ejection ends, or `now`
    /// itself while a slow-start ramp moves it continuously (nil when no such change is due).
    func standing(now: ContinuousClock.Instant, slowStart: Duration) -> (weight: Double, changesAt: ContinuousClock.Instant?) {
        state.withLock { s in
            let weight = effectiveWeight(s, now: now, slowStart: slowStart)
            switch Self.status(s, now: now) {
            case .ejected: return (weight, s.ejectedUntil)
            case .healthy where slowStart > .zero && now - s.inServiceSince < slowStart: return (weight, now)
            default: return (weight, nil)
            }
        }
    }

    private func effectiveWeight(_ s: State, now: ContinuousClock.Instant, slowStart: Duration) -> Double {
        guard Self.status(s, now: now) == .healthy, config.weight > 0 else { return 0 }
        let weight = Double(config.weight)
        guard slowStart > .zero else { return weight }
        let elapsed = now - s.inServiceSince
        guard elapsed < slowStart else { return weight }
        let fraction = max(0.1, elapsed / slowStart)
        return weight * fraction
    }

    /// Marks the backend draining (no new requests) or back in service.
    public func setDraining(_ draining: Bool, now: ContinuousClock.Instant = .now) {
        state.withLock { s in
            guard s.draining != draining else { return }
            if s.draining { s.inServiceSince = now }
            s.draining = draining
            standingChanges.record()
        }
    }

    /// Requests currently in flight on this backend.
    public var inFlight: Int { state.withLock { $0.inFlight } }
}
