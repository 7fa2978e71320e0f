import Foundation

/// PagerDuty's Events API v2: `trigger` with the whole story, `acknowledge` and `resolve` with only the key, all
/// under one `dedup_key` per incident so PagerDuty keeps one alert for it.
///
/// One request carries one event: the caller sends a PagerDuty receiver one request per event (Watch's notifier
/// never groups for PagerDuty), and several events throw ``PayloadError/oneEventPerRequest(receiver:events:)``.
enum PagerDutyPayload {
    struct Event: Encodable {
        var routingKey: String
        var eventAction: String
        var dedupKey: String
        var payload: Payload?
        var links: [Link]?
        var client: String?
        var clientURL: String?

        enum CodingKeys: String, CodingKey {
            case payload, links, client
            case routingKey = "routing_key"
            case eventAction = "event_action"
            case dedupKey = "dedup_key"
            case clientURL = "client_url"
        }
    }

    struct Payload: Encodable {
        var summary: String
        var source: String
        var severity: String
        var timestamp: String
        var component: String
        var group: String
        var kind: String
        var customDetails: Details

        enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, component, group
            case kind = "class"
            case customDetails = "custom_details"
        }
    }

    /// What engineers open the alert for: the numbers, the change, the runbook.
    struct Details: Encodable {
        var incidentID: Int64
        var event: String
        var state: String
        var pool: String
        var backends: [String]
        var summary: String
        var message: String
        var evidence: [Evidence]
        var configChange: ConfigChange?
        var impact: Impact?
        var runbook: String
        var actor: String?
        var acknowledgedBy: String?
        var idempotencyKey: String

        enum CodingKeys: String, CodingKey {
            case event, state, pool, backends, summary, message, evidence, impact, runbook, actor
            case incidentID = "incident_id"
            case configChange = "config_change"
            case acknowledgedBy = "acknowledged_by"
            case idempotencyKey = "idempotency_key"
        }
    }

    struct Link: Encodable {
        var href: String
        var text: String

        enum CodingKeys: String, CodingKey {
            case href, text
        }
    }

    /// PagerDuty's longest summary.
    static let summaryLimit = 1024

    /// The POST of one event to the Events API URL.
    static func request(
        for events: [NotificationEvent], to receiver: ReceiverSettings, groupKey: String, idempotencyKey: String, now: Date
    ) throws -> OutboundRequest {
        guard let event = events.first else { throw PayloadError.noEvents(receiver: receiver.name) }
        guard events.count == 1 else { throw PayloadError.oneEventPerRequest(receiver: receiver.name, events: events.count) }
        guard let routingKey = receiver.routingKey, !routingKey.isEmpty else {
            throw PayloadError.missingRoutingKey(receiver: receiver.name)
        }
        let body = self.event(event, routingKey: routingKey, audience: receiver.audience, idempotencyKey: idempotencyKey)
        return ReceiverPayload.post(to: receiver.url, body: try ReceiverPayload.encode(body, for: receiver), idempotencyKey: idempotencyKey)
    }

    static func event(_ event: NotificationEvent, routingKey: String, audience: Audience, idempotencyKey: String) -> Event {
        let action = self.action(event)
        let key = dedupKey(event.incident)
        guard action == "trigger" else { return Event(routingKey: routingKey, eventAction: action, dedupKey: key) }
        let incident = event.incident
        let message = NotificationMessage.compose([event], for: audience)
        let details = Details(
            incidentID: incident.id, event: event.kind.rawValue, state: incident.state.rawValue, pool: incident.pool,
            backends: incident.backends, summary: incident.summary, message: message.body, evidence: incident.evidence,
            configChange: incident.configChange, impact: incident.impact, runbook: incident.diagnosis.runbook, actor: event.actor,
            acknowledgedBy: incident.acknowledgedBy, idempotencyKey: idempotencyKey)
        let payload = Payload(
            summary: NotificationWords.clip(message.title, summaryLimit), source: ReceiverPayload.source, severity: severity(incident.severity),
            timestamp: NotificationWords.rfc3339(event.at), component: incident.pool, group: incident.pool,
            kind: event.kind == .test ? "test" : incident.diagnosis.rawValue, customDetails: details)
        return Event(
            routingKey: routingKey, eventAction: action, dedupKey: key, payload: payload,
            links: [
                Link(href: NotificationWords.incidentURL(event), text: "Incident \(incident.id) in Evenkeel Watch"),
                Link(href: NotificationWords.dashboardURL(event), text: "Evenkeel Watch dashboard"),
            ],
            client: "Evenkeel Watch", clientURL: NotificationWords.dashboardURL(event))
    }

    /// `resolve` once the incident is over, `acknowledge` when a person took it, `trigger` for everything else (a
    /// trigger on an open key only adds to PagerDuty's alert, so reminders and notes do not open a second one).
    static func action(_ event: NotificationEvent) -> String {
        if event.isResolved { return "resolve" }
        if event.kind == .acknowledged { return "acknowledge" }
        return "trigger"
    }

    /// `page` is critical, `ticket` a warning, `info` info.
    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .page: "critical"
        case .ticket: "warning"
        case .info: "info"
        }
    }

    /// One key per incident, the same for every event about it.
    static func dedupKey(_ incident: Incident) -> String { "evenkeel-watch-incident-\(incident.id)" }
}
