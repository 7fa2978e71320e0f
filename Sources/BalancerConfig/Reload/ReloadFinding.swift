/// A finding of an external checker (ConfigCheck) about a configuration offered for reload.
/// Errors refuse the reload; warnings are recorded on the reload event.
public struct ReloadFinding: Sendable, Equatable, Codable {
    /// How serious the finding is.
    public enum Severity: String, Sendable, Equatable, Codable {
        /// Refuses the reload.
        case error
        /// Recorded, does not refuse.
        case warning
    }

    /// How serious it is.
    public var severity: Severity
    /// What the checker found.
    public var message: String

    /// Creates a finding.
    public init(severity: Severity, message: String) {
        self.severity = severity
        self.message = message
    }
}

/// A checker consulted before every reload (and the initial load is not affected): return findings,
/// errors veto. ConfigCheck plugs in here.
public typealias ReloadChecker = @Sendable (BalancerConfiguration) -> [ReloadFinding]
