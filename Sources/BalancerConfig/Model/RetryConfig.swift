/// Retry policy: a failed attempt may be retried on another backend (never the same one twice), only on
/// connect failure or, for idempotent methods, when the upstream failed before sending any response byte.
public struct RetryConfig: Sendable, Equatable {
    /// Extra attempts after the first (0 disables retries).
    public var attempts: Int
    /// Retries may add at most this percentage of extra requests over recent traffic.
    public var budgetPercent: Int

    /// Creates a retry policy with the documented defaults.
    public init(attempts: Int = 2, budgetPercent: Int = 20) {
        self.attempts = attempts
        self.budgetPercent = budgetPercent
    }
}
