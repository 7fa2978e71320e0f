/// Passive outlier ejection: a backend that fails `consecutiveFailures` requests in a row (5xx or
/// connect errors) is ejected for `baseEjectionTime × number of ejections so far`.
///
/// `maxEjectionPercent` caps how much of a pool may be ejected at once, so a shared fault (say, the
/// database) cannot eject every backend and turn a partial outage into a total one.
public struct OutlierConfig: Sendable, Equatable {
    /// Whether passive ejection runs.
    public var enabled: Bool
    /// Consecutive failures that eject a backend.
    public var consecutiveFailures: Int
    /// Ejection time of a first ejection; it grows linearly with repeated ejections.
    public var baseEjectionTime: Duration
    /// Largest share of the pool (0...100) ejected at the same time.
    public var maxEjectionPercent: Int

    /// Creates an outlier policy with the documented defaults.
    public init(
        enabled: Bool = true,
        consecutiveFailures: Int = 5,
        baseEjectionTime: Duration = .seconds(30),
        maxEjectionPercent: Int = 50
    ) {
        self.enabled = enabled
        self.consecutiveFailures = consecutiveFailures
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
    }
}
