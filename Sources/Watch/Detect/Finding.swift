/// What the detector concluded about one pool at one evaluation: a diagnosis with its evidence, before it becomes
/// (or updates) an incident.
public struct Finding: Sendable, Equatable {
    /// The cause.
    public var diagnosis: Diagnosis
    /// How urgent.
    public var severity: Severity
    /// The backends it is about.
    public var backends: [String]
    /// One paragraph for anyone.
    public var summary: String
    /// The numbers.
    public var evidence: [Evidence]

    /// Creates a finding.
    public init(diagnosis: Diagnosis, severity: Severity, backends: [String], summary: String, evidence: [Evidence]) {
        self.diagnosis = diagnosis
        self.severity = severity
        self.backends = backends
        self.summary = summary
        self.evidence = evidence
    }
}
