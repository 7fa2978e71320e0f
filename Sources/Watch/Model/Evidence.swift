/// One number that made a diagnosis: the signal, the backend it is about (nil for the pool), its value now and the
/// value it is compared with (the baseline, the expected share or the peers').
public struct Evidence: Sendable, Codable, Equatable {
    /// The signal's name, e.g. `observed_share`, `p99_ms`, `error_ratio`, `rate`, `top_clients_share`.
    public var signal: String
    /// The backend, or nil for a pool-wide signal.
    public var backend: String?
    /// Its value now.
    public var value: Double
    /// What it is compared with.
    public var baseline: Double?

    /// Creates evidence.
    public init(signal: String, backend: String? = nil, value: Double, baseline: Double? = nil) {
        self.signal = signal
        self.backend = backend
        self.value = value
        self.baseline = baseline
    }
}
