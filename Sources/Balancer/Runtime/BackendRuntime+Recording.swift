import Distribution
import Synchronization

extension BackendRuntime {
    /// Counts a failed connection attempt.
    func recordConnectError() { state.withLock { $0.connectErrors += 1 } }

    /// Counts a request retried away from this backend.
    func recordRetry() { state.withLock { $0.retries += 1 } }
}

extension BackendRuntime.State {
    /// Counts a response by status class and records its latency.
    mutating func countResponse(status: Int, latency: Duration) {
        switch status {
        case 100..<200: responses1xx += 1
        case 200..<300: responses2xx += 1
        case 300..<400: responses3xx += 1
        case 400..<500: responses4xx += 1
        default: responses5xx += 1
        }
        self.latency.record(latency)
    }
}
