import Foundation

/// Turns findings into incidents: opens one when a finding holds for a few evaluations in a row, keeps its
/// diagnosis, severity and evidence current (recording each change in its timeline), and resolves it once its
/// signals have been normal for the resolve delay. Every change is stored before it is returned.
public actor IncidentTracker {
    /// Evaluations in a row a finding must hold before it opens an incident.
    public let confirmations: Int
    /// How long signals must be normal before an incident resolves.
    public let resolveAfter: TimeInterval
    let store: IncidentStore

    private struct Pending {
        var diagnosis: Diagnosis
        var count: Int
        var since: Date
    }

    private struct Open {
        var incident: Incident
        var lastAbnormal: Date
        var lastSaved: Date
        /// A different diagnosis seen in a row while open; it replaces the current one once confirmed.
        var challenger: Pending?
    }

    private var pending: [String: Pending] = [:]
    private var open: [String: Open] = [:]

    /// Tracks incidents in `store`; incidents left open by an earlier run are taken up again.
    public init(store: IncidentStore, confirmations: Int = 2, resolveAfter: TimeInterval = 15) async throws {
        self.store = store
        self.confirmations = max(1, confirmations)
        self.resolveAfter = resolveAfter
        let now = Date()
        for incident in try await store.incidents(states: [.open, .acknowledged], limit: 1000) {
            open[incident.pool] = Open(incident: incident, lastAbnormal: now, lastSaved: now, challenger: nil)
        }
    }

    /// Whether `key` (a pool, or a source for `target_unreachable`) has an incident open or one about to open; its
    /// baseline is frozen meanwhile.
    public func isAbnormal(_ key: String) -> Bool { open[key] != nil || pending[key] != nil }

    /// The incidents not yet resolved.
    public var active: [Incident] { open.values.map(\.incident).sorted { $0.id < $1.id } }

    /// Adds `entry` to every incident not yet resolved (e.g. a configuration change seen meanwhile), stored at once.
    public func note(_ entry: TimelineEntry) async throws {
        for key in open.keys.sorted() {
            guard var current = open[key] else { continue }
            current.incident.timeline.append(entry)
            try await store.update(current.incident)
            open[key] = current
        }
    }

    /// Takes one evaluation of `key`: its finding (nil when normal) at `now`. Returns the incidents that changed,
    /// already stored. `change` is the configuration change to link when an incident opens.
    public func observe(
        _ key: String, finding: Finding?, at now: Date, change: @Sendable (Date) -> ConfigChange? = { _ in nil }
    ) async throws -> [Incident] {
        guard let finding else {
            pending[key] = nil
            guard var current = open[key] else { return [] }
            current.challenger = nil
            if now.timeIntervalSince(current.lastAbnormal) >= resolveAfter {
                current.incident.state = .resolved
                current.incident.resolvedAt = now
                current.incident.timeline.append(
                    TimelineEntry(at: now, kind: "resolved", text: "Signals normal for \(Int(resolveAfter)) s; resolved."))
                try await store.update(current.incident)
                open[key] = nil
                return [current.incident]
            }
            open[key] = current
            return []
        }
        if var current = open[key] {
            current.lastAbnormal = now
            var changed = false
            if finding.diagnosis != current.incident.diagnosis {
                var challenger = current.challenger?.diagnosis == finding.diagnosis
                    ? current.challenger! : Pending(diagnosis: finding.diagnosis, count: 0, since: now)
                challenger.count += 1
                current.challenger = challenger
                if challenger.count >= confirmations {
                    current.incident.timeline.append(
                        TimelineEntry(
                            at: now, kind: "diagnosis_changed",
                            text: "Diagnosis \(current.incident.diagnosis.rawValue) → \(finding.diagnosis.rawValue): \(finding.summary)"))
                    current.incident.diagnosis = finding.diagnosis
                    current.challenger = nil
                    changed = true
                } else {
                    open[key] = current
                    return []
                }
            } else {
                current.challenger = nil
            }
            // An incident is as severe as the worst it has been: a page is not taken back while it lasts, which
            // would make a flapping alert of it.
            if finding.severity > current.incident.severity {
                current.incident.timeline.append(
                    TimelineEntry(at: now, kind: "severity_changed", text: "Severity \(current.incident.severity.rawValue) → \(finding.severity.rawValue)."))
                current.incident.severity = finding.severity
                changed = true
            }
            if Set(finding.backends) != Set(current.incident.backends) {
                current.incident.timeline.append(
                    TimelineEntry(at: now, kind: "backends_changed", text: "Now about: \(finding.backends.joined(separator: ", "))."))
                current.incident.backends = finding.backends
                changed = true
            }
            current.incident.summary = finding.summary
            current.incident.evidence = finding.evidence
            // Evidence moves every second; store it every few seconds, and at once with any change above.
            if changed || now.timeIntervalSince(current.lastSaved) >= 5 {
                try await store.update(current.incident)
                current.lastSaved = now
                open[key] = current
                return [current.incident]
            }
            open[key] = current
            return []
        }
        var candidate = pending[key]?.diagnosis == finding.diagnosis ? pending[key]! : Pending(diagnosis: finding.diagnosis, count: 0, since: now)
        candidate.count += 1
        pending[key] = candidate
        guard candidate.count >= confirmations else { return [] }
        pending[key] = nil
        let linked = change(candidate.since)
        var timeline = [TimelineEntry(at: candidate.since, kind: "detected", text: "\(finding.diagnosis.title) first seen.")]
        if let linked {
            timeline.insert(
                TimelineEntry(at: linked.at, kind: "config_change", text: "Configuration changed (\(linked.source)): \(linked.diff)"), at: 0)
        }
        timeline.append(TimelineEntry(at: now, kind: "opened", text: finding.summary))
        let incident = try await store.insert(
            Incident(
                id: 0, diagnosis: finding.diagnosis, severity: finding.severity, pool: key, backends: finding.backends, openedAt: now,
                summary: finding.summary, evidence: finding.evidence, configChange: linked, timeline: timeline))
        open[key] = Open(incident: incident, lastAbnormal: now, lastSaved: now, challenger: nil)
        return [incident]
    }
}
