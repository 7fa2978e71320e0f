/// One route of a `--notify` file: which incidents it takes and which receivers they go to. Routes are tried in
/// order; the first that matches takes the incident, unless it says `continue`, as Alertmanager's routes do.
public struct NotifyRoute: Sendable, Equatable {
    /// Diagnoses it takes; empty takes any.
    public var diagnoses: Set<Diagnosis>
    /// Severities it takes; empty takes any.
    public var severities: Set<Severity>
    /// Pools it takes (exact names, or a prefix ending in `*`); empty takes any.
    public var pools: [String]
    /// The receivers' names.
    public var receivers: [String]
    /// Whether later routes are tried after this one matched.
    public var `continue`: Bool
    /// The labels whose values make one group: incidents of a group that open within the group wait go in one
    /// notification. Labels: `pool`, `diagnosis`, `severity`.
    public var groupBy: [String]
    /// How long after an incident opens its first notification waits for others of its group.
    public var groupWait: Duration
    /// How often an incident still open is notified again.
    public var repeatInterval: Duration
    /// Whether a notice is sent when an incident resolves.
    public var sendResolved: Bool

    /// Creates a route.
    public init(
        diagnoses: Set<Diagnosis> = [], severities: Set<Severity> = [], pools: [String] = [], receivers: [String],
        continue: Bool = false, groupBy: [String] = ["pool", "diagnosis"], groupWait: Duration = .seconds(0),
        repeatInterval: Duration = .seconds(4 * 3600), sendResolved: Bool = true
    ) {
        self.diagnoses = diagnoses
        self.severities = severities
        self.pools = pools
        self.receivers = receivers
        self.continue = `continue`
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.repeatInterval = repeatInterval
        self.sendResolved = sendResolved
    }

    /// Whether the route takes `incident`.
    public func matches(_ incident: Incident) -> Bool {
        (diagnoses.isEmpty || diagnoses.contains(incident.diagnosis))
            && (severities.isEmpty || severities.contains(incident.severity))
            && (pools.isEmpty || pools.contains { pattern in
                pattern.hasSuffix("*") ? incident.pool.hasPrefix(pattern.dropLast()) : incident.pool == pattern
            })
    }

    /// The group `incident` belongs to on this route: its `groupBy` labels and their values.
    public func groupKey(of incident: Incident) -> String {
        let values = groupBy.map { label -> String in
            switch label {
            case "pool": "pool=\(incident.pool)"
            case "diagnosis": "diagnosis=\(incident.diagnosis.rawValue)"
            case "severity": "severity=\(incident.severity.rawValue)"
            default: "\(label)="
            }
        }
        return "{" + values.joined(separator: ",") + "}"
    }
}
