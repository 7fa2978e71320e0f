import BalancerAPI
import BalancerConfig
import Synchronization

extension PoolRuntime {
    /// Feeds passive outlier detection with the outcome of one request to backend `index`: 5xx responses
    /// and connection failures count as failures, anything else resets the streak.
    ///
    /// After `consecutive_failures` failures in a row the backend is ejected for
    /// `base_ejection_time × (number of ejections so far)`, capped at ten times the base, unless that
    /// would eject more than `max_ejection_percent` of the pool. When the ejection ends it re-enters
    /// through slow start.
    func recordOutcome(_ index: Int, failed: Bool, now instant: ContinuousClock.Instant? = nil) {
        let outlier = config.outlier
        let backend = backends[index]
        guard failed else {
            // The common case: no clock read.
            backend.state.withLock { $0.consecutiveFailures = 0 }
            return
        }
        let now = instant ?? .now
        // The failures in a row, when they call for an ejection.
        let ejectionDue = backend.state.withLock { s -> Int? in
            s.consecutiveFailures += 1
            let due = outlier.enabled && s.consecutiveFailures >= outlier.consecutiveFailures
                && BackendRuntime.status(s, now: now) == .healthy
            return due ? s.consecutiveFailures : nil
        }
        guard let streak = ejectionDue else { return }
        let ejectedNow = backends.filter { $0.status(now: now) == .ejected }.count
        let allowed = backends.count * outlier.maxEjectionPercent / 100
        guard ejectedNow < allowed else {
            // Said once per streak, when it reaches the threshold: every further failure would repeat it.
            if streak == outlier.consecutiveFailures {
                log.ejectionRefused(
                    pool: config.name, backend: backend.config.name, failures: streak, ejected: ejectedNow, of: backends.count,
                    maxEjectionPercent: outlier.maxEjectionPercent)
            }
            return
        }
        let (ejections, duration, failures) = backend.state.withLock { s in
            s.ejections += 1
            let duration = outlier.baseEjectionTime * min(s.ejections, 10)
            let failures = s.consecutiveFailures
            let until = now + duration
            s.ejectedUntil = until
            s.inServiceSince = until
            s.consecutiveFailures = 0
            backend.standingChanges.record()
            return (s.ejections, duration, failures)
        }
        log.backendEjected(pool: config.name, backend: backend.config.name, failures: failures, duration: duration, ejections: ejections)
    }
}
