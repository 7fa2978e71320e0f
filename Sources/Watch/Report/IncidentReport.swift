import Foundation

/// A postmortem draft of one Watch incident: the summary, timeline, root cause, resolution and corrective measures
/// that Watch can fill in from the incident's record, in the order of the team's postmortems, for people to complete.
///
/// Watch knows the pool's signals and its own actions; it does not know what customers saw beyond the pool, what
/// people decided or said, or why a configuration was changed. The draft says so in its open questions.
public struct IncidentReport: Sendable {
    /// The incident it describes.
    public let incident: Incident
    /// When the draft was written; an open incident's duration so far is counted up to it.
    public let generatedAt: Date

    /// Creates the draft of `incident`, written at `generatedAt`.
    public init(incident: Incident, generatedAt: Date = Date()) {
        self.incident = incident
        self.generatedAt = generatedAt
    }

    /// What Watch said when it opened the incident: the incident's own summary follows the signals to the end, when
    /// they are nearly normal again, so the opening words tell the story better.
    var openingSummary: String {
        incident.timeline.first { $0.kind == "opened" }?.text ?? incident.summary
    }
}

extension IncidentReport {
    /// One moment of the incident's history and the phase of a postmortem's timeline it stands for: `onset`
    /// (first seen), `detection` (opened), `notification`, `acknowledgement`, `config_change`, `mitigation`,
    /// `resolution`, or the entry's own kind for the rest.
    struct Moment: Sendable, Codable, Equatable {
        var at: Date
        var phase: String
        /// The timeline entry's kind it comes from.
        var kind: String
        var text: String
        /// The person; nil for what Watch did or saw.
        var by: String?

        /// The phase in words, for the Markdown timeline.
        var label: String {
            switch phase {
            case "onset": "Onset (first seen)"
            case "detection": "Detection (incident opened)"
            case "notification": "Notification"
            case "notification_failed": "Notification failed"
            case "acknowledgement": "Acknowledgement"
            case "config_change": "Configuration change"
            case "mitigation":
                switch kind {
                case "note": "Mitigation (note)"
                case "rollback": "Mitigation (rollback)"
                default: "Mitigation (configuration change)"
                }
            case "recovery": "Recovery (traffic after the rollback)"
            case "resolution": "Resolution"
            case "diagnosis_changed": "Diagnosis changed"
            case "severity_changed": "Severity changed"
            case "backends_changed": "Backends changed"
            default: phase.replacingOccurrences(of: "_", with: " ")
            }
        }

        /// Who did it, in words: a person, or Watch.
        var who: String {
            if let by { return "by \(by)" }
            return kind == "config_change" || kind == "detected" ? "seen by Watch" : "by Watch"
        }

        enum CodingKeys: String, CodingKey {
            case at, phase, kind, text, by
        }

        /// Encodes `by` as `null` for Watch, so every entry has the same keys.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(at, forKey: .at)
            try c.encode(phase, forKey: .phase)
            try c.encode(kind, forKey: .kind)
            try c.encode(text, forKey: .text)
            try c.encode(by, forKey: .by)
        }
    }

    /// The phase of a postmortem's timeline that `entry` stands for.
    static func phase(of entry: TimelineEntry, openedAt: Date) -> String {
        switch entry.kind {
        case "detected": "onset"
        case "opened": "detection"
        case "notified": "notification"
        case "notify_failed": "notification_failed"
        case "acknowledged": "acknowledgement"
        // A change after the incident opened is someone acting on it (a rollback); one before is a suspect.
        case "config_change": entry.at > openedAt ? "mitigation" : "config_change"
        case "note", "rollback": "mitigation"
        case "traffic_after_rollback": "recovery"
        case "resolved": "resolution"
        default: entry.kind
        }
    }

    /// Every timeline entry in time order (entries at the same time keep their order), with the acknowledgement,
    /// resolution and linked configuration change added when the record has them but the timeline does not.
    var moments: [Moment] {
        var entries = incident.timeline
        if let change = incident.configChange, !entries.contains(where: { $0.kind == "config_change" && $0.at == change.at }) {
            entries.append(TimelineEntry(at: change.at, kind: "config_change", text: "Configuration changed (\(change.source)): \(change.diff)"))
        }
        if let at = incident.acknowledgedAt, !entries.contains(where: { $0.kind == "acknowledged" }) {
            entries.append(TimelineEntry(at: at, kind: "acknowledged", text: "Acknowledged.", by: incident.acknowledgedBy))
        }
        if let resolution, !entries.contains(where: { $0.kind == "resolved" }) {
            entries.append(TimelineEntry(at: resolution.at, kind: "resolved", text: "Resolved.", by: resolution.by))
        }
        let openedAt = incident.openedAt
        return entries.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map { Moment(at: $0.element.at, phase: Self.phase(of: $0.element, openedAt: openedAt), kind: $0.element.kind, text: $0.element.text, by: $0.element.by) }
    }

    /// When the condition was first seen (the `detected` entry), if the timeline has it.
    var onset: Date? { incident.timeline.filter { $0.kind == "detected" }.map(\.at).min() }

    /// First seen to opened.
    var timeToDetect: TimeInterval? { onset.map { incident.openedAt.timeIntervalSince($0) } }

    /// Who acknowledged it and when, from the record or else from the timeline.
    var acknowledgement: (by: String?, at: Date)? {
        if let at = incident.acknowledgedAt { return (incident.acknowledgedBy, at) }
        guard let entry = incident.timeline.first(where: { $0.kind == "acknowledged" }) else { return nil }
        return (entry.by ?? incident.acknowledgedBy, entry.at)
    }

    /// Opened to acknowledged.
    var timeToAcknowledge: TimeInterval? { acknowledgement.map { $0.at.timeIntervalSince(incident.openedAt) } }

    /// Who resolved it (nil when its signals did) and when; nil while it is open.
    var resolution: (by: String?, at: Date)? {
        let entry = incident.timeline.last(where: { $0.kind == "resolved" })
        guard incident.state == .resolved || incident.resolvedAt != nil, let at = incident.resolvedAt ?? entry?.at else { return nil }
        return (incident.resolvedBy ?? entry?.by, at)
    }

    /// Opened to resolved; nil while it is open.
    var duration: TimeInterval? { resolution.map { $0.at.timeIntervalSince(incident.openedAt) } }

    /// The configuration file to name in commands: the changed file when Watch watched one, else a placeholder.
    var configPath: String {
        if let source = incident.configChange?.source, !source.isEmpty, !source.contains("://") { return source }
        return "<config>"
    }

    /// `date` as a time of day when it falls on the day the incident opened, with the date otherwise.
    func when(_ date: Date) -> String {
        ReportText.day(date) == ReportText.day(incident.openedAt) ? "\(ReportText.time(date)) UTC" : ReportText.dateTime(date)
    }

    /// The moments someone acted on the incident after it opened: configuration changes and notes.
    var mitigations: [Moment] { moments.filter { $0.phase == "mitigation" } }

    /// The measures that apply, ConfigCheck rules first.
    var correctiveMeasures: [CorrectiveMeasure] { CorrectiveMeasures.measures(for: incident, config: configPath) }
}

extension IncidentReport {
    /// One paragraph for anyone: what happened and when, how long it lasted, how fast it was found and taken, and
    /// what it did to the pool's requests. Plain text, the same in Markdown and JSON.
    var summary: String {
        var sentences: [String] = []
        let about = incident.backends.isEmpty ? "" : " (backends: \(incident.backends.joined(separator: ", ")))"
        sentences.append(
            "Incident \(incident.id), severity \(incident.severity.rawValue): \(incident.diagnosis.title) in pool \(incident.pool)\(about).")
        sentences.append("Watch opened it on \(ReportText.dateTime(incident.openedAt)): \(ReportText.sentence(openingSummary))")
        if let onset, let timeToDetect {
            sentences.append("The condition was first seen at \(when(onset)), so detection took \(ReportText.duration(timeToDetect)).")
        } else {
            sentences.append("Watch has no record of when the condition was first seen.")
        }
        if let change = incident.configChange {
            let gap = onset.map { $0 >= change.at ? ", \(ReportText.duration($0.timeIntervalSince(change.at))) before onset" : "" } ?? ""
            sentences.append("A configuration change took effect at \(when(change.at))\(gap).")
        }
        if let acknowledgement, let timeToAcknowledge {
            let who = acknowledgement.by.map { " by \($0)" } ?? ""
            sentences.append("It was acknowledged\(who) \(ReportText.duration(timeToAcknowledge)) after it opened.")
        } else {
            sentences.append(resolution == nil ? "Nobody has acknowledged it yet." : "Nobody acknowledged it.")
        }
        if let resolution, let duration {
            let who = resolution.by.map { "by \($0)" } ?? "by Watch, its signals back to normal"
            sentences.append("It lasted \(ReportText.duration(duration)) and was resolved at \(when(resolution.at)) \(who).")
        } else {
            sentences.append(
                "It is still open, \(ReportText.duration(generatedAt.timeIntervalSince(incident.openedAt))) after it opened (at \(ReportText.dateTime(generatedAt))).")
        }
        sentences.append(impactSentence)
        return sentences.joined(separator: " ")
    }

    /// What the incident did to the pool's requests, from `Impact`.
    var impactSentence: String {
        guard let impact = incident.impact else { return "Watch measured no impact on requests for this incident." }
        guard impact.seconds > 0 else { return "Watch had not yet measured the pool's requests during it." }
        var parts: [String] = []
        var requests = "the pool received about \(ReportText.count(impact.requests)) requests"
        if impact.requests > 0 {
            requests += ", of which about \(ReportText.count(impact.failedRequests)) failed (\(ReportText.percent(impact.failedRequests / impact.requests)))"
        }
        parts.append(requests)
        if let backend = impact.peakShareBackend {
            parts.append(
                "\(backend) took up to \(ReportText.percent(impact.peakShare)) of the pool's requests where its configured share is \(ReportText.percent(impact.peakShareExpected))")
        }
        let p99 = "p99 averaged \(ReportText.milliseconds(impact.during.p99)) (worst \(ReportText.milliseconds(impact.peakP99)))"
        let errors = "the error ratio \(ReportText.percent(impact.during.errorRatio)) (worst \(ReportText.percent(impact.peakErrorRatio)))"
        let rate = "the rate \(ReportText.rate(impact.during.rate)) (peak \(ReportText.rate(impact.peakRate)))"
        if let before = impact.before {
            parts.append(
                "\(p99) against \(ReportText.milliseconds(before.p99)) before, \(errors) against \(ReportText.percent(before.errorRatio)) before, and \(rate) against \(ReportText.rate(before.rate)) before")
        } else {
            parts.append("\(p99), \(errors) and \(rate), with no baseline yet to compare them with")
        }
        let lead = resolution == nil ? "So far, over \(ReportText.duration(impact.seconds)) measured" : "While it lasted (\(ReportText.duration(impact.seconds)) measured)"
        return "\(lead), " + parts.joined(separator: "; ") + "."
    }

    /// How it ended, in words: who or what resolved it and when, and what was done meanwhile.
    var resolutionText: String {
        var sentences: [String] = []
        if let resolution, let duration {
            if let by = resolution.by {
                sentences.append("\(by) resolved it by hand at \(when(resolution.at)), \(ReportText.duration(duration)) after it opened.")
            } else {
                let detail = incident.timeline.last(where: { $0.kind == "resolved" }).map { ". It noted: \(ReportText.sentence($0.text))" } ?? "."
                sentences.append(
                    "Watch resolved it at \(when(resolution.at)), \(ReportText.duration(duration)) after it opened, once the pool's signals had been normal for the resolve delay\(detail)")
            }
        } else {
            sentences.append(
                "The incident is still open at the time of this draft, \(ReportText.duration(generatedAt.timeIntervalSince(incident.openedAt))) after it opened.")
        }
        if let first = mitigations.first {
            sentences.append(
                "Watch recorded \(mitigations.count == 1 ? "one mitigation" : "\(mitigations.count) mitigations"), the first at \(when(first.at)), \(ReportText.duration(first.at.timeIntervalSince(incident.openedAt))) after it opened.")
        } else {
            sentences.append("Watch recorded no mitigation: no configuration change after it opened and no note.")
        }
        return sentences.joined(separator: " ")
    }

    /// What Watch cannot know and the authors should answer.
    var openQuestions: [String] {
        var questions = [
            "What did customers see beyond pool \(incident.pool): other pools, other services, support tickets, social media? Watch measures only this pool's requests."
        ]
        if incident.configChange != nil {
            questions.append("Why was the configuration changed, who reviewed it, and did `evenkeel check` run on it before the reload?")
        }
        questions.append("Was the diagnosis right? Watch names one cause from the pool's signals; confirm it, or say what it was.")
        let changes = incident.timeline.filter { $0.kind == "diagnosis_changed" }
        if !changes.isEmpty {
            questions.append("The diagnosis changed while the incident was open (\(changes.map(\.text).joined(separator: "; "))): which was the cause, and which the consequence?")
        }
        let failed = incident.timeline.filter { $0.kind == "notify_failed" }.count
        if failed > 0 {
            questions.append("\(failed) notification\(failed == 1 ? "" : "s") failed: who was not reached, and did anyone notice?")
        }
        questions.append(
            "Were the right people told in time, and did engineering and the NOC work in one channel? Note any gap in communication, inside the team and with customers.")
        questions.append("What was done that Watch did not record (commands, restarts, escalations), by whom, and when?")
        if let impact = incident.impact, impact.before == nil {
            questions.append("What are the pool's usual levels? Watch had no baseline yet when the incident opened.")
        }
        if resolution == nil {
            questions.append("The incident is still open: how and when did it end? Generate this draft again once it resolves.")
        }
        questions.append("Which corrective measures will be done, by whom, and by when?")
        return questions
    }
}
