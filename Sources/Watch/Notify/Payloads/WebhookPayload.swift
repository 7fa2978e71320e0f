import Foundation

/// Alertmanager's webhook payload, version 4, key for key — so any tool that takes Alertmanager's webhooks takes
/// Watch's — plus one top-level `idempotencyKey`, which readers of version 4 ignore.
enum WebhookPayload {
    /// The notification: one group and its alerts.
    struct Message: Encodable {
        var version: String
        var groupKey: String
        var truncatedAlerts: Int
        var status: String
        var receiver: String
        var groupLabels: [String: String]
        var commonLabels: [String: String]
        var commonAnnotations: [String: String]
        var externalURL: String
        var alerts: [Alert]
        var idempotencyKey: String

        enum CodingKeys: String, CodingKey {
            case version, groupKey, truncatedAlerts, status, receiver, groupLabels, commonLabels, commonAnnotations, externalURL
            case alerts, idempotencyKey
        }
    }

    /// One incident as an alert.
    struct Alert: Encodable {
        var status: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
        var fingerprint: String

        enum CodingKeys: String, CodingKey {
            case status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint
        }
    }

    /// The POST to the webhook's URL.
    static func request(
        for events: [NotificationEvent], to receiver: ReceiverSettings, groupKey: String, idempotencyKey: String, now: Date
    ) throws -> OutboundRequest {
        guard let first = events.first else { throw PayloadError.noEvents(receiver: receiver.name) }
        let alerts = events.map { alert(for: $0, audience: receiver.audience) }
        let commonLabels = ReceiverPayload.common(alerts.map(\.labels))
        let grouped = Set(ReceiverPayload.groupLabelNames(groupKey))
        let message = Message(
            version: "4",
            groupKey: groupKey,
            truncatedAlerts: 0,
            status: events.allSatisfy(\.isResolved) ? "resolved" : "firing",
            receiver: receiver.name,
            groupLabels: commonLabels.filter { grouped.contains($0.key) },
            commonLabels: commonLabels,
            commonAnnotations: ReceiverPayload.common(alerts.map(\.annotations)),
            externalURL: NotificationWords.base(first.watchURL),
            alerts: alerts,
            idempotencyKey: idempotencyKey)
        return ReceiverPayload.post(
            to: receiver.url, body: try ReceiverPayload.encode(message, for: receiver), idempotencyKey: idempotencyKey)
    }

    /// `event`'s incident as an alert: it ends when the incident resolved, and has no end before.
    static func alert(for event: NotificationEvent, audience: Audience) -> Alert {
        let labels = ReceiverPayload.labels(for: event)
        let resolved = event.isResolved
        return Alert(
            status: resolved ? "resolved" : "firing",
            labels: labels,
            annotations: ReceiverPayload.annotations(for: event, audience: audience),
            startsAt: NotificationWords.rfc3339(event.incident.openedAt),
            endsAt: resolved ? NotificationWords.rfc3339(event.incident.resolvedAt ?? event.at) : ReceiverPayload.zeroTime,
            generatorURL: ReceiverPayload.generatorURL(event),
            fingerprint: ReceiverPayload.fingerprint(labels))
    }
}
