import BalancerConfig

/// A check of a balancer configuration for a setting that skews traffic or overloads servers.
public protocol Rule: Sendable {
    /// Stable id, as in `docs/rules/<id>.md`.
    static var id: String { get }
    /// A short name.
    static var title: String { get }
    /// The severity of its findings unless it says otherwise.
    static var severity: Severity { get }
    /// How to fix what it finds.
    static var hint: String { get }
    /// Findings for one configuration, given the simulated distribution of each pool.
    func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding]
}

extension PoolConfig {
    /// Backends that take traffic while they are healthy.
    var primaries: [BackendConfig] { backends.filter { !$0.backup } }
    var backups: [BackendConfig] { backends.filter(\.backup) }
}

/// Every rule, in id order.
public let allRules: [any Rule] = [
    WeightOutlierRule(), ZeroWeightRule(), BackupsOutnumberPrimariesRule(), AddressInSeveralPoolsRule(),
    NoHealthCheckRule(), SlowFailureDetectionRule(), FlappingThresholdsRule(), SourceIPHashRule(),
    WeakHashKeyRule(), ConnectionLimitsRule(), QueueTimeoutRule(), RetriesWithoutBudgetRule(),
    HostnameResolvedOnceRule(), NoSlowStartRule(), SingleBackendRule(), SimulatedSkewRule(),
]
