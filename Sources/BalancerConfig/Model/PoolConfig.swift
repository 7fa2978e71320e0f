/// A set of interchangeable backends and the policy used to spread requests over them.
public struct PoolConfig: Sendable, Equatable {
    /// Unique pool name.
    public var name: String
    /// Requests whose path starts with this prefix go to this pool (longest prefix wins).
    public var pathPrefix: String
    /// The backends, in file order.
    public var backends: [BackendConfig]
    /// How a backend is chosen for each request.
    public var algorithm: AlgorithmConfig
    /// Active health checking.
    public var health: HealthConfig
    /// Passive outlier ejection.
    public var outlier: OutlierConfig
    /// Window over which a new or recovered backend ramps up to its full weight; zero disables it.
    public var slowStart: Duration
    /// Retry policy for failed upstream attempts.
    public var retry: RetryConfig

    /// Creates a pool with the documented defaults.
    public init(
        name: String = "default",
        pathPrefix: String = "/",
        backends: [BackendConfig],
        algorithm: AlgorithmConfig = .roundRobin,
        health: HealthConfig = HealthConfig(),
        outlier: OutlierConfig = OutlierConfig(),
        slowStart: Duration = .zero,
        retry: RetryConfig = RetryConfig()
    ) {
        self.name = name
        self.pathPrefix = pathPrefix
        self.backends = backends
        self.algorithm = algorithm
        self.health = health
        self.outlier = outlier
        self.slowStart = slowStart
        self.retry = retry
    }
}
