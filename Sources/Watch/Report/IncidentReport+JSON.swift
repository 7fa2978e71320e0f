import Foundation

extension IncidentReport {
    /// The draft as a JSON document for tools: the same content as the Markdown, as fields (snake_case keys), with
    /// the incident itself included. Encoded with Watch's JSON conventions (RFC 3339 times).
    public func json() throws -> Data {
        try WatchJSON.encoder().encode(document)
    }

    /// The draft's content as one value.
    var document: Document {
        Document(
            incident: incident,
            generatedAt: generatedAt,
            durationSeconds: duration,
            timeToDetectSeconds: timeToDetect,
            timeToAcknowledgeSeconds: timeToAcknowledge,
            summary: summary,
            timeline: moments,
            rootCause: RootCause(
                diagnosis: incident.diagnosis, title: incident.diagnosis.title, summary: openingSummary, backends: incident.backends,
                evidence: incident.evidence, configChange: incident.configChange, runbook: incident.diagnosis.runbook),
            resolution: Resolution(
                state: incident.state, resolvedAt: resolution?.at, resolvedBy: resolution?.by, text: resolutionText, mitigations: mitigations),
            correctiveMeasures: correctiveMeasures,
            openQuestions: openQuestions)
    }

    /// The JSON document of a draft. Every key is written, `null` included, so readers see the whole shape.
    struct Document: Sendable, Codable {
        var incident: Incident
        var generatedAt: Date
        /// Opened to resolved; null while open.
        var durationSeconds: Double?
        /// First seen to opened.
        var timeToDetectSeconds: Double?
        /// Opened to acknowledged; null until someone acknowledges it.
        var timeToAcknowledgeSeconds: Double?
        var summary: String
        var timeline: [Moment]
        var rootCause: RootCause
        var resolution: Resolution
        var correctiveMeasures: [CorrectiveMeasure]
        var openQuestions: [String]

        enum CodingKeys: String, CodingKey {
            case incident, summary, timeline, resolution
            case generatedAt = "generated_at"
            case durationSeconds = "duration_seconds"
            case timeToDetectSeconds = "time_to_detect_seconds"
            case timeToAcknowledgeSeconds = "time_to_acknowledge_seconds"
            case rootCause = "root_cause"
            case correctiveMeasures = "corrective_measures"
            case openQuestions = "open_questions"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(incident, forKey: .incident)
            try c.encode(generatedAt, forKey: .generatedAt)
            try c.encode(durationSeconds, forKey: .durationSeconds)
            try c.encode(timeToDetectSeconds, forKey: .timeToDetectSeconds)
            try c.encode(timeToAcknowledgeSeconds, forKey: .timeToAcknowledgeSeconds)
            try c.encode(summary, forKey: .summary)
            try c.encode(timeline, forKey: .timeline)
            try c.encode(rootCause, forKey: .rootCause)
            try c.encode(resolution, forKey: .resolution)
            try c.encode(correctiveMeasures, forKey: .correctiveMeasures)
            try c.encode(openQuestions, forKey: .openQuestions)
        }
    }

    /// The root cause as Watch diagnosed it.
    struct RootCause: Sendable, Codable {
        var diagnosis: Diagnosis
        var title: String
        var summary: String
        var backends: [String]
        var evidence: [Evidence]
        var configChange: ConfigChange?
        var runbook: String

        enum CodingKeys: String, CodingKey {
            case diagnosis, title, summary, backends, evidence, runbook
            case configChange = "config_change"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(diagnosis, forKey: .diagnosis)
            try c.encode(title, forKey: .title)
            try c.encode(summary, forKey: .summary)
            try c.encode(backends, forKey: .backends)
            try c.encode(evidence, forKey: .evidence)
            try c.encode(configChange, forKey: .configChange)
            try c.encode(runbook, forKey: .runbook)
        }
    }

    /// How the incident ended, or that it has not.
    struct Resolution: Sendable, Codable {
        var state: Incident.State
        var resolvedAt: Date?
        /// The person who resolved it by hand; null when its signals did, or while open.
        var resolvedBy: String?
        var text: String
        var mitigations: [Moment]

        enum CodingKeys: String, CodingKey {
            case state, text, mitigations
            case resolvedAt = "resolved_at"
            case resolvedBy = "resolved_by"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(state, forKey: .state)
            try c.encode(resolvedAt, forKey: .resolvedAt)
            try c.encode(resolvedBy, forKey: .resolvedBy)
            try c.encode(text, forKey: .text)
            try c.encode(mitigations, forKey: .mitigations)
        }
    }
}
