import Foundation

/// Alerts pushed to a real Alertmanager (`POST {url}/api/v2/alerts`), which then groups, silences, inhibits and
/// routes them. An alert still open ends five minutes after it is sent and Watch sends it again every minute, so
/// an alert Watch stops refreshing (Watch down) resolves by itself rather than firing forever; a resolved one ends
/// when the incident did. An acknowledgement or a note refreshes the alert with `acknowledged_by` and `actor`.
enum AlertmanagerPayload {
    /// A postable alert of Alertmanager's API v2.
    struct PostableAlert: Encodable {
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String

        enum CodingKeys: String, CodingKey {
            case labels, annotations, startsAt, endsAt, generatorURL
        }
    }

    /// How long an open alert lasts unless refreshed.
    static let refreshWindow: TimeInterval = 300
    /// How long a test alert lasts: long enough to see it arrive.
    static let testWindow: TimeInterval = 60

    /// The POST of every event's alert, in one array.
    static func request(
        for events: [NotificationEvent], to receiver: ReceiverSettings, groupKey: String, idempotencyKey: String, now: Date
    ) throws -> OutboundRequest {
        guard !events.isEmpty else { throw PayloadError.noEvents(receiver: receiver.name) }
        let alerts = events.map { alert(for: $0, audience: receiver.audience, now: now) }
        return ReceiverPayload.post(
            to: NotificationWords.base(receiver.url) + "/api/v2/alerts", body: try ReceiverPayload.encode(alerts, for: receiver),
            idempotencyKey: idempotencyKey)
    }

    static func alert(for event: NotificationEvent, audience: Audience, now: Date) -> PostableAlert {
        let endsAt: Date
        if event.isResolved {
            endsAt = event.incident.resolvedAt ?? event.at
        } else if event.kind == .test {
            endsAt = now.addingTimeInterval(testWindow)
        } else {
            endsAt = now.addingTimeInterval(refreshWindow)
        }
        return PostableAlert(
            labels: ReceiverPayload.labels(for: event),
            annotations: ReceiverPayload.annotations(for: event, audience: audience),
            startsAt: NotificationWords.rfc3339(event.kind == .test ? event.at : event.incident.openedAt),
            endsAt: NotificationWords.rfc3339(endsAt),
            generatorURL: ReceiverPayload.generatorURL(event))
    }
}
