/// Active health checking: the balancer sends `GET path` to each backend every `interval`.
///
/// A backend becomes healthy after `rise` consecutive successes (2xx/3xx within `timeout`) and unhealthy
/// after `fall` consecutive failures, so one lost probe does not flap it.
public struct HealthConfig: Sendable, Equatable {
    /// Whether active checks run at all.
    public var enabled: Bool
    /// The path probed on each backend.
    public var path: String
    /// Time between probes.
    public var interval: Duration
    /// How long a probe may take.
    public var timeout: Duration
    /// Consecutive successes that mark a backend healthy.
    public var rise: Int
    /// Consecutive failures that mark a backend down.
    public var fall: Int

    /// Creates a health policy with the documented defaults.
    public init(
        enabled: Bool = true,
        path: String = "/healthz",
        interval: Duration = .seconds(5),
        timeout: Duration = .seconds(2),
        rise: Int = 2,
        fall: Int = 3
    ) {
        self.enabled = enabled
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.rise = rise
        self.fall = fall
    }
}
