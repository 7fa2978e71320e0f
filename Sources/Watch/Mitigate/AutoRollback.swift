import Foundation

/// Which pools Watch may roll back without a person: a skew traced to a recent change on an Evenkeel balancer is
/// put back by itself, once per incident, and announced. Off unless a team chooses it.
public enum AutoRollback: Sendable, Equatable {
    /// Never (the default).
    case none
    /// Every pool.
    case every
    /// These pools.
    case pools(Set<String>)

    /// Whether `pool` is rolled back by itself.
    public func covers(_ pool: String) -> Bool {
        switch self {
        case .none: false
        case .every: true
        case .pools(let names): names.contains(pool)
        }
    }

    /// How long before onset a change may have been made and still be rolled back by itself.
    public static let maxChangeAge: TimeInterval = 15 * 60

    /// Whether Watch rolls `incident` back by itself: its pool is covered, it is a `config_skew` linked to a change
    /// on an Evenkeel balancer that names the configuration before it, made less than ``maxChangeAge`` before the
    /// skew's onset, and it has not been rolled back by itself already.
    public func allows(_ incident: Incident, alreadyRolledBack: Bool) -> Bool {
        guard covers(incident.pool), incident.diagnosis == .configSkew, !alreadyRolledBack, incident.state != .resolved,
            let change = incident.configChange, change.isOnBalancer, change.previousHash != nil
        else { return false }
        let onset = incident.timeline.first { $0.kind == "detected" }?.at ?? incident.openedAt
        return onset.timeIntervalSince(change.at) < Self.maxChangeAge
    }
}
