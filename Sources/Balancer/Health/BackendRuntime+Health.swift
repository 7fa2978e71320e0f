import Synchronization

extension BackendRuntime {
    /// Applies one active probe result with `rise`/`fall` hysteresis. Returns the new active health.
    @discardableResult
    func recordProbe(success: Bool, rise: Int, fall: Int, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            if success {
                s.consecutiveProbeSuccesses += 1
                s.consecutiveProbeFailures = 0
                if !s.activeHealthy, s.consecutiveProbeSuccesses >= rise {
                    s.activeHealthy = true
                    s.inServiceSince = now  // recovered: ramp up through slow start
                    standingChanges.record()
                }
            } else {
                s.consecutiveProbeFailures += 1
                s.consecutiveProbeSuccesses = 0
                if s.activeHealthy, s.consecutiveProbeFailures >= fall {
                    s.activeHealthy = false
                    standingChanges.record()
                }
            }
            return s.activeHealthy
        }
    }
}

extension BackendRuntime {
    /// Whether active health checks hold the backend in service (whatever its ejection or drain).
    var isActiveHealthy: Bool { state.withLock { $0.activeHealthy } }
}
