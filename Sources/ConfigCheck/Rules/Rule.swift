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
    /// How to fix what it finds in a configuration of `dialect`, in that dialect's words.
    static func hint(for dialect: Dialect) -> String
}

extension Rule {
    /// The same hint for every dialect, unless a rule says otherwise.
    public static func hint(for dialect: Dialect) -> String { hint }
}

/// Every rule, in id order.
public let allRules: [any Rule] = [
    WeightOutlierRule(), ZeroWeightRule(), BackupsOutnumberPrimariesRule(), AddressInSeveralPoolsRule(),
    NoHealthCheckRule(), SlowFailureDetectionRule(), FlappingThresholdsRule(), SourceIPHashRule(),
    WeakHashKeyRule(), ConnectionLimitsRule(), QueueTimeoutRule(), RetriesWithoutBudgetRule(),
    HostnameResolvedOnceRule(), NoSlowStartRule(), SingleBackendRule(), SimulatedSkewRule(), DuplicateServerRule(),
    PassiveChecksDisabledRule(), FewRingPointsRule(), WeightsIgnoredRule(), StickyWithoutExpiryRule(), NonIdempotentRetryRule(),
    CertificateExpiryRule(), CertificateKeyRule(), LegacyTLSRule(),
]

/// Every rule, with certificates judged to expire soon within `certificateWarningDays`.
public func allRules(certificateWarningDays: Int) -> [any Rule] {
    allRules.map { $0 is CertificateExpiryRule ? CertificateExpiryRule(warningDays: certificateWarningDays) : $0 }
}
