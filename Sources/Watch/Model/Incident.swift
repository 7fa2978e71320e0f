import Foundation

/// Something wrong that Watch found in one pool (or with one source): what it is, how sure and how bad, the numbers
/// behind it, the configuration change it points at, and its history.
public struct Incident: Sendable, Codable, Equatable, Identifiable {
    /// Where an incident stands.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Its signals are abnormal and nobody has taken it.
        case open
        /// A person has taken it; still abnormal.
        case acknowledged
        /// Its signals have been normal for the resolve delay.
        case resolved
    }

    /// Stable id, increasing.
    public var id: Int64
    /// Open, acknowledged or resolved.
    public var state: State
    /// The cause Watch names now (it may change while open; the timeline keeps the earlier ones).
    public var diagnosis: Diagnosis
    /// How urgent.
    public var severity: Severity
    /// The pool, or the source's URL for `target_unreachable`.
    public var pool: String
    /// The backends it is about (the over-share, slow, failing or down ones).
    public var backends: [String]
    /// When Watch opened it.
    public var openedAt: Date
    /// When its signals had been normal for the resolve delay; nil while open.
    public var resolvedAt: Date?
    /// One paragraph saying what is wrong, for anyone.
    public var summary: String
    /// The numbers that made the diagnosis, as of the latest evaluation.
    public var evidence: [Evidence]
    /// The configuration change nearest before onset, when the diagnosis points at one.
    public var configChange: ConfigChange?
    /// Its history, oldest first.
    public var timeline: [TimelineEntry]
    /// Who acknowledged it, and when; nil until someone does.
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// Who resolved it by hand; nil when its signals resolved it.
    public var resolvedBy: String?
    /// What it did to users, measured while it lasted; nil for a source that cannot be read.
    public var impact: Impact?

    /// Creates an incident.
    public init(
        id: Int64, state: State = .open, diagnosis: Diagnosis, severity: Severity, pool: String, backends: [String],
        openedAt: Date, resolvedAt: Date? = nil, summary: String, evidence: [Evidence], configChange: ConfigChange?,
        timeline: [TimelineEntry], impact: Impact? = nil
    ) {
        self.id = id
        self.state = state
        self.diagnosis = diagnosis
        self.severity = severity
        self.pool = pool
        self.backends = backends
        self.openedAt = openedAt
        self.resolvedAt = resolvedAt
        self.summary = summary
        self.evidence = evidence
        self.configChange = configChange
        self.timeline = timeline
        self.impact = impact
    }

    enum CodingKeys: String, CodingKey {
        case id, state, diagnosis, severity, pool, backends, summary, evidence, timeline
        case openedAt = "opened_at"
        case resolvedAt = "resolved_at"
        case configChange = "config_change"
        case acknowledgedBy = "acknowledged_by"
        case acknowledgedAt = "acknowledged_at"
        case resolvedBy = "resolved_by"
        case impact
    }

    /// Encodes every key, `null` included, so readers see the whole shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(state, forKey: .state)
        try c.encode(diagnosis, forKey: .diagnosis)
        try c.encode(severity, forKey: .severity)
        try c.encode(pool, forKey: .pool)
        try c.encode(backends, forKey: .backends)
        try c.encode(openedAt, forKey: .openedAt)
        try c.encode(resolvedAt, forKey: .resolvedAt)
        try c.encode(summary, forKey: .summary)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(configChange, forKey: .configChange)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(resolvedBy, forKey: .resolvedBy)
        try c.encode(impact, forKey: .impact)
    }

    /// Whether its signals are still abnormal.
    public var isActive: Bool { state != .resolved }
}
