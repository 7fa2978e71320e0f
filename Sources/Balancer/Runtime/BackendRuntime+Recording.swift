import Prometheus
import Synchronization

extension BackendRuntime {
    /// Counts a completed response by status class and records its latency.
    func recordResponse(status: Int, latency: Duration) {
        state.withLock { s in
            switch status {
            case 200..<300: s.responses2xx += 1
            case 300..<400: s.responses3xx += 1
            case 400..<500: s.responses4xx += 1
            default: s.responses5xx += 1
            }
            s.latency.record(latency)
        }
        latencyMetric?.record(latency)
    }

    /// Counts a failed connection attempt.
    func recordConnectError() { state.withLock { $0.connectErrors += 1 } }

    /// Counts a request retried away from this backend.
    func recordRetry() { state.withLock { $0.retries += 1 } }
}
