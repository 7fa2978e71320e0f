/// The state a backend is in, as reported by `/admin/stats`.
public enum BackendStatus: String, Sendable, Equatable, Codable, CaseIterable {
    /// Eligible for traffic.
    case healthy
    /// Temporarily ejected by passive outlier detection.
    case ejected
    /// Marked draining: finishes in-flight requests, gets no new ones.
    case draining
    /// Failed active health checks.
    case down
}
