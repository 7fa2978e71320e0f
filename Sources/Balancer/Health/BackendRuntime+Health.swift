import Synchronization

extension BackendRuntime {
    /// What one probe did to a backend's active health.
    struct ProbeEffect {
        /// The active health after the probe.
        let healthy: Bool
        /// Whether this probe changed it (the `rise`/`fall` threshold was just reached).
        let changed: Bool
    }

    /// Applies one active probe result with `rise`/`fall` hysteresis. Returns the new active health and whether
    /// this probe changed it: the change is known here, under the lock that makes it, so it is reported once.
    @discardableResult
    func recordProbe(success: Bool, rise: Int, fall: Int, now: ContinuousClock.Instant = .now) -> ProbeEffect {
        state.withLock { s in
            let before = s.activeHealthy
            if success {
                s.consecutiveProbeSuccesses += 1
                s.consecutiveProbeFailures = 0
                if !s.activeHealthy, s.consecutiveProbeSuccesses >= rise {
                    s.activeHealthy = true
                    s.inServiceSince = now  // recovered: ramp up through slow start
                    // A passive ejection from before it went down ends too: the checks have just seen it come back
                    // (a restarted replica's failed requests while it was away would otherwise keep it out for the
                    // whole ejection time).
                    s.ejectedUntil = nil
                }
            } else {
                s.consecutiveProbeFailures += 1
                s.consecutiveProbeSuccesses = 0
                if s.activeHealthy, s.consecutiveProbeFailures >= fall { s.activeHealthy = false }
            }
            let changed = s.activeHealthy != before
            if changed { standingChanges.record() }
            return ProbeEffect(healthy: s.activeHealthy, changed: changed)
        }
    }
}
