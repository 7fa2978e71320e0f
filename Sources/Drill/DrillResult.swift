import Foundation
import Watch

/// What one scenario of a drill showed: when the fault went in, when Watch opened an incident and what it called
/// it, who was told and how fast, what else it raised, and the pool's levels before, during and after.
public struct DrillResult: Sendable, Codable {
    /// A pool's request rate, p99 and error ratio at one moment (Watch's signals over its window).
    public struct Levels: Sendable, Codable, Equatable {
        public var rate: Double
        public var p99Ms: Double
        public var errorRatio: Double

        enum CodingKeys: String, CodingKey {
            case rate
            case p99Ms = "p99_ms"
            case errorRatio = "error_ratio"
        }
    }

    /// One notice the drill's receiver got about the incident.
    public struct Notice: Sendable, Codable, Equatable {
        /// `/noc` or `/engineering`.
        public var receiver: String
        public var status: String
        /// Seconds from the incident opening (or resolving, for `resolved`) to its arrival.
        public var delaySeconds: Double
        public var title: String

        enum CodingKeys: String, CodingKey {
            case receiver, status, title
            case delaySeconds = "delay_seconds"
        }
    }

    public var scenario: DrillScenario
    public var fault: String
    /// The diagnosis Watch had to give; nil for `clean`.
    public var expected: String?
    /// The diagnosis of the first incident Watch opened after the fault went in.
    public var given: String?
    public var passed: Bool
    /// Why it did not pass, one line each.
    public var problems: [String]
    public var injectedAt: Date?
    public var detectedAt: Date?
    /// Seconds from the fault to the incident opening.
    public var detectionSeconds: Double?
    /// The configuration change the incident named, if any.
    public var configChange: String?
    /// When the balancer was rolled back (with `auto_rollback`), and seconds from the fault.
    public var mitigatedAt: Date?
    public var mitigationSeconds: Double?
    public var removedAt: Date?
    public var resolvedAt: Date?
    public var notifications: [Notice]
    /// Diagnoses of incidents other than the expected one (any incident, for `clean`).
    public var falseIncidents: [String]
    public var before: Levels?
    public var during: Levels?
    public var after: Levels?
    /// Requests into the pool while the incident lasted (its measured impact).
    public var requestsAffected: Double?
    /// The base load's requests and failures (errors and 5xx) while the fault was on.
    public var loadRequestsDuringFault: Int
    public var loadErrorsDuringFault: Int
    /// The incident's timeline, for the report.
    public var timeline: [TimelineEntry]
    /// The pool's history from Watch (one point per poll), for the charts.
    public var history: [WatchEngine.HistoryPoint]

    enum CodingKeys: String, CodingKey {
        case scenario, fault, expected, given, passed, problems, notifications, before, during, after, timeline, history
        case injectedAt = "injected_at"
        case detectedAt = "detected_at"
        case detectionSeconds = "detection_seconds"
        case configChange = "config_change"
        case mitigatedAt = "mitigated_at"
        case mitigationSeconds = "mitigation_seconds"
        case removedAt = "removed_at"
        case resolvedAt = "resolved_at"
        case falseIncidents = "false_incidents"
        case requestsAffected = "requests_affected"
        case loadRequestsDuringFault = "load_requests_during_fault"
        case loadErrorsDuringFault = "load_errors_during_fault"
    }

    /// The first notice of each receiver about the incident opening, delay in seconds.
    public func firstNotice(_ receiver: String) -> Double? {
        notifications.first { $0.receiver == receiver && $0.status == "firing" }?.delaySeconds
    }
}
