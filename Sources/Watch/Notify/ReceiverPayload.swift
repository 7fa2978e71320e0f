import BalancerConfig
import Foundation

/// The exact HTTP request each receiver kind gets for a notification: Alertmanager's webhook payload, alerts for
/// Alertmanager's API, a Slack message, or a PagerDuty event. Every request is a `POST` of JSON with the delivery's
/// `Idempotency-Key`, so a receiver that sees a retry can tell it from a new notification.
public enum ReceiverPayload {
    /// The identity Watch gives itself: the `User-Agent`, the `source` label and PagerDuty's `source`.
    public static let source = "evenkeel-watch"

    /// The request that tells `receiver` about `events`, one group's notification.
    ///
    /// PagerDuty takes one event per request: the caller passes exactly one event for a `pagerduty` receiver, and
    /// several throw ``PayloadError/oneEventPerRequest(receiver:events:)``.
    ///
    /// - Parameters:
    ///   - groupKey: the route's group (`{pool=jobboard,diagnosis=config_skew}`); the webhook's `groupKey` and the
    ///     source of its `groupLabels`.
    ///   - idempotencyKey: the delivery's key, the same on every retry.
    ///   - now: the time the request is built; Alertmanager alerts still open end five minutes after it.
    public static func request(
        for events: [NotificationEvent], to receiver: ReceiverSettings, groupKey: String, idempotencyKey: String, now: Date
    ) throws -> OutboundRequest {
        guard !events.isEmpty else { throw PayloadError.noEvents(receiver: receiver.name) }
        switch receiver.kind {
        case .webhook:
            return try WebhookPayload.request(for: events, to: receiver, groupKey: groupKey, idempotencyKey: idempotencyKey, now: now)
        case .alertmanager:
            return try AlertmanagerPayload.request(for: events, to: receiver, groupKey: groupKey, idempotencyKey: idempotencyKey, now: now)
        case .slack:
            return try SlackPayload.request(for: events, to: receiver, groupKey: groupKey, idempotencyKey: idempotencyKey, now: now)
        case .pagerduty:
            return try PagerDutyPayload.request(for: events, to: receiver, groupKey: groupKey, idempotencyKey: idempotencyKey, now: now)
        }
    }
}

// MARK: - What the payloads share

extension ReceiverPayload {
    /// A `POST` of `body` with the headers every receiver gets.
    static func post(to url: String, body: Data, idempotencyKey: String) -> OutboundRequest {
        OutboundRequest(
            method: "POST", url: url,
            headers: ["Content-Type": "application/json", "Idempotency-Key": idempotencyKey, "User-Agent": source],
            body: body)
    }

    /// `value` as compact JSON with sorted keys (stable bytes for the same notification), RFC 3339 times.
    static func encode(_ value: some Encodable, for receiver: ReceiverSettings) throws -> Data {
        do {
            return try WatchJSON.encoder(pretty: false).encode(value)
        } catch {
            throw PayloadError.encodingFailed(receiver: receiver.name, reason: "\(error)")
        }
    }

    /// The labels of an incident's alert, as Alertmanager's receivers and routes read them.
    static func labels(for event: NotificationEvent) -> [String: String] {
        let incident = event.incident
        return [
            "alertname": alertName(event),
            "incident_id": String(incident.id),
            "pool": incident.pool,
            "diagnosis": incident.diagnosis.rawValue,
            "severity": incident.severity.rawValue,
            "source": source,
        ]
    }

    /// `Evenkeel` and the diagnosis in CamelCase (`EvenkeelConfigSkew`); `EvenkeelTest` for a test notification.
    static func alertName(_ event: NotificationEvent) -> String {
        if event.kind == .test { return "EvenkeelTest" }
        let words = event.incident.diagnosis.rawValue.split(separator: "_").map { word -> String in
            String(word.prefix(1)).uppercased() + String(word.dropFirst())
        }
        return "Evenkeel" + words.joined()
    }

    /// The annotations of an incident's alert: the message for `audience`, the runbook, what happened and who did it.
    static func annotations(for event: NotificationEvent, audience: Audience) -> [String: String] {
        let message = NotificationMessage.compose([event], for: audience)
        var annotations = [
            "summary": message.title,
            "description": message.body,
            "runbook_url": event.incident.diagnosis.runbook,
            "event": event.kind.rawValue,
        ]
        if let actor = event.actor { annotations["actor"] = actor }
        if let by = event.incident.acknowledgedBy ?? (event.kind == .acknowledged ? event.actor : nil) {
            annotations["acknowledged_by"] = by
        }
        return annotations
    }

    /// 16 hex digits that name a label set: Alertmanager's own fingerprint of it.
    static func fingerprint(_ labels: [String: String]) -> String { AlertFingerprint.of(labels) }

    /// The labels every set has with the same value.
    static func common(_ sets: [[String: String]]) -> [String: String] {
        guard var shared = sets.first else { return [:] }
        for other in sets.dropFirst() { shared = shared.filter { other[$0.key] == $0.value } }
        return shared
    }

    /// The label names of a route's group key (`{pool=jobboard,diagnosis=config_skew}` → `pool`, `diagnosis`).
    static func groupLabelNames(_ groupKey: String) -> [String] {
        groupKey.trimmingCharacters(in: CharacterSet(charactersIn: "{} ")).split(separator: ",").compactMap { part -> String? in
            guard let name = part.split(separator: "=", maxSplits: 1).first else { return nil }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }
    }

    /// Where the alert came from: the incident in Watch's API.
    static func generatorURL(_ event: NotificationEvent) -> String { NotificationWords.incidentURL(event) }

    /// What Alertmanager writes for an alert with no end.
    static let zeroTime = "0001-01-01T00:00:00Z"
}
