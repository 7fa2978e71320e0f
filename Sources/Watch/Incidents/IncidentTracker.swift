import Foundation

/// Turns findings into incidents: opens one when a finding holds for a few evaluations in a row, keeps its
/// diagnosis, severity and evidence current (recording each change in its timeline), and resolves it once its
/// signals have been normal for the resolve delay. Every change is stored before it is returned.
///
/// The open incidents in memory are the truth the store follows: each change is made to them before the store is
/// awaited, so a change arriving during that wait (the actor is re-entered there) builds on it instead of being
/// overwritten by an older copy.
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

    /// The incident with `id` if it is not yet resolved, as it is now; throws when it is resolved or missing.
    public func active(id: Int64) async throws(IncidentActionError) -> Incident {
        guard let key = openKey(id), let current = open[key] else { throw try await closedOrMissing(id) }
        return current.incident
    }

    /// The incident not yet resolved for `key`, as it is now.
    public func current(_ key: String) -> Incident? { open[key]?.incident }

    /// The incidents not yet resolved.
    public var active: [Incident] { open.values.map(\.incident).sorted { $0.id < $1.id } }

    /// Adds `entry` to every incident not yet resolved (e.g. a configuration change seen meanwhile), stored at once.
    public func note(_ entry: TimelineEntry) async throws {
        for key in open.keys.sorted() {
            guard var current = open[key] else { continue }
            current.incident.timeline.append(entry)
            open[key] = current
            try await store.update(current.incident)
        }
    }

    /// Takes one evaluation of `key`: its finding (nil when normal) at `now`. Returns the incidents that changed,
    /// already stored. `change` is the configuration change to link when an incident opens.
    public func observe(
        _ key: String, finding: Finding?, at now: Date, change: @Sendable (Date) -> ConfigChange? = { _ in nil }
    ) async throws -> [IncidentChange] {
        guard let finding else {
            pending[key] = nil
            guard var current = open[key] else { return [] }
            current.challenger = nil
            if now.timeIntervalSince(current.lastAbnormal) >= resolveAfter {
                current.incident.state = .resolved
                current.incident.resolvedAt = now
                current.incident.timeline.append(
                    TimelineEntry(at: now, kind: "resolved", text: "Signals normal for \(Int(resolveAfter)) s; resolved."))
                open[key] = nil
                try await store.update(current.incident)
                return [IncidentChange(incident: current.incident, kind: .resolved)]
            }
            open[key] = current
            return []
        }
        if var current = open[key] {
            current.lastAbnormal = now
            var changed = false
            var escalated = false
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
                    escalated = true
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
                escalated = true
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
                current.lastSaved = now
                open[key] = current
                try await store.update(current.incident)
                return [IncidentChange(incident: current.incident, kind: escalated ? .escalated : .updated)]
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
        return [IncidentChange(incident: incident, kind: .opened)]
    }

    /// Counts `signals` towards the impact of `key`'s open incident: the pool's state for the last `seconds`.
    /// `before` is the pool's usual levels, taken when the first signals are counted. Stored with the next change.
    public func measure(_ key: String, signals: PoolSignals, seconds: Double, before: @autoclosure () -> Impact.Levels?) {
        guard var current = open[key] else { return }
        var impact = current.incident.impact ?? Impact(before: before())
        impact.add(signals, seconds: seconds)
        current.incident.impact = impact
        open[key] = current
    }

    /// A person takes incident `id`: it stays open until its signals are normal, but nobody else needs to be woken.
    public func acknowledge(id: Int64, by person: String, text: String?, at now: Date) async throws(IncidentActionError) -> Incident {
        guard let key = openKey(id) else { throw try await closedOrMissing(id) }
        var current = open[key]!
        if current.incident.state == .acknowledged, let by = current.incident.acknowledgedBy {
            throw .alreadyAcknowledged(id: id, by: by)
        }
        current.incident.state = .acknowledged
        current.incident.acknowledgedBy = person
        current.incident.acknowledgedAt = now
        current.incident.timeline.append(
            TimelineEntry(at: now, kind: "acknowledged", text: "Acknowledged" + (text.map { ": \($0)" } ?? "."), by: person))
        current.lastSaved = now
        open[key] = current
        try await save(current.incident)
        return current.incident
    }

    /// Adds a person's note to incident `id`, open or resolved.
    public func addNote(id: Int64, by person: String, text: String, at now: Date) async throws(IncidentActionError) -> Incident {
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !words.isEmpty else { throw .emptyNote }
        guard words.count <= 4000 else { throw .noteTooLong(limit: 4000) }
        return try await append(TimelineEntry(at: now, kind: "note", text: words, by: person), to: id)
    }

    /// A person resolves incident `id` by hand (the cause is fixed, or it is not worth following). Should its
    /// signals stay abnormal, a new incident opens after the confirmations.
    public func resolve(id: Int64, by person: String, text: String?, at now: Date) async throws(IncidentActionError) -> Incident {
        guard let key = openKey(id) else { throw try await closedOrMissing(id) }
        var incident = open[key]!.incident
        incident.state = .resolved
        incident.resolvedAt = now
        incident.resolvedBy = person
        incident.timeline.append(TimelineEntry(at: now, kind: "resolved", text: "Resolved by hand" + (text.map { ": \($0)" } ?? "."), by: person))
        open[key] = nil
        pending[key] = nil
        try await save(incident)
        return incident
    }

    /// Adds `entry` to incident `id`'s timeline, open or resolved, stored at once.
    @discardableResult
    public func append(_ entry: TimelineEntry, to id: Int64) async throws(IncidentActionError) -> Incident {
        if let key = openKey(id), var current = open[key] {
            current.incident.timeline.append(entry)
            open[key] = current
            try await save(current.incident)
            return current.incident
        }
        let changed: Incident?
        do {
            changed = try await store.modify(id: id) { $0.timeline.append(entry) }
        } catch {
            throw .storage("\(error)")
        }
        guard let changed else { throw .notFound(id: id) }
        return changed
    }

    private func openKey(_ id: Int64) -> String? { open.first { $0.value.incident.id == id }?.key }

    private func closedOrMissing(_ id: Int64) async throws(IncidentActionError) -> IncidentActionError {
        do {
            return try await store.incident(id: id) == nil ? .notFound(id: id) : .alreadyResolved(id: id)
        } catch {
            throw .storage("\(error)")
        }
    }

    private func save(_ incident: Incident) async throws(IncidentActionError) {
        do {
            try await store.update(incident)
        } catch {
            throw .storage("\(error)")
        }
    }
}
