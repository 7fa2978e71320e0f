import Foundation

/// Incidents as terminal text, for `evenkeel incident list` and `show`.
public enum IncidentText {
    /// One line: id, state, severity, diagnosis, pool, since when, and who has it.
    public static func row(_ incident: Incident) -> String {
        var line = "#\(incident.id)  \(incident.state.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0))"
        line += "\(incident.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))"
        line += "\(incident.diagnosis.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0))pool \(incident.pool)  since \(time(incident.openedAt))"
        if let by = incident.acknowledgedBy { line += "  ack \(by)" }
        return line
    }

    /// The whole incident: summary, evidence, change, and timeline with who did what.
    public static func detail(_ incident: Incident) -> String {
        var lines = [row(incident), "", incident.summary, ""]
        if !incident.evidence.isEmpty {
            lines.append("Evidence:")
            for e in incident.evidence {
                lines.append("  \(e.signal) \(e.backend ?? "pool"): \(String(format: "%.3f", e.value))" + (e.baseline.map { String(format: " (vs %.3f)", $0) } ?? ""))
            }
        }
        if let change = incident.configChange {
            lines.append("Configuration change at \(time(change.at)) (\(change.source)): \(change.diff)")
        }
        lines.append("Runbook: \(incident.diagnosis.runbook)")
        lines.append("Timeline:")
        for entry in incident.timeline {
            lines.append("  \(time(entry.at))  \(entry.kind.padding(toLength: 18, withPad: " ", startingAt: 0))\(entry.text)" + (entry.by.map { " — \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n")
    }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }
}
