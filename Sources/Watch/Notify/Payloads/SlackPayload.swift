import Foundation

/// A Slack incoming webhook's message: the plain text (what notifications and old clients show) and three
/// blocks — a header with the title, a section with the body, and a context line naming the incident with a link to
/// Watch's dashboard.
enum SlackPayload {
    struct Message: Encodable {
        var text: String
        var blocks: [Block]

        enum CodingKeys: String, CodingKey {
            case text, blocks
        }
    }

    /// A Block Kit block: `header` and `section` have `text`, `context` has `elements`.
    struct Block: Encodable {
        var type: String
        var text: TextObject?
        var elements: [TextObject]?

        enum CodingKeys: String, CodingKey {
            case type, text, elements
        }
    }

    /// A Block Kit text object (`plain_text` or `mrkdwn`).
    struct TextObject: Encodable {
        var type: String
        var text: String

        enum CodingKeys: String, CodingKey {
            case type, text
        }
    }

    /// Slack's limits: a header's text, a section's text.
    static let headerLimit = 150
    static let sectionLimit = 3000

    /// The POST to the incoming webhook.
    static func request(
        for events: [NotificationEvent], to receiver: ReceiverSettings, groupKey: String, idempotencyKey: String, now: Date
    ) throws -> OutboundRequest {
        guard let first = events.first else { throw PayloadError.noEvents(receiver: receiver.name) }
        let message = NotificationMessage.compose(events, for: receiver.audience)
        let section = message.lines.isEmpty ? message.title : message.body
        let blocks = [
            Block(type: "header", text: TextObject(type: "plain_text", text: NotificationWords.clip(message.title, headerLimit))),
            Block(type: "section", text: TextObject(type: "mrkdwn", text: clippedMarkdown(section, sectionLimit))),
            Block(type: "context", elements: [TextObject(type: "mrkdwn", text: context(events, dashboard: NotificationWords.dashboardURL(first)))]),
        ]
        let body = Message(text: escape(message.text), blocks: blocks)
        return ReceiverPayload.post(to: receiver.url, body: try ReceiverPayload.encode(body, for: receiver), idempotencyKey: idempotencyKey)
    }

    /// `incident 12 · jobboard · page · <http://…/|dashboard>`; for a group, every id and pool and the worst severity.
    static func context(_ events: [NotificationEvent], dashboard: String) -> String {
        let link = "<\(dashboard)|dashboard>"
        if events.allSatisfy({ $0.kind == .test }) { return "test · \(link)" }
        let incidents = events.filter { $0.kind != .test }.map(\.incident)
        var ids: [String] = []
        var pools: [String] = []
        for incident in incidents {
            if !ids.contains(String(incident.id)) { ids.append(String(incident.id)) }
            if !pools.contains(incident.pool) { pools.append(incident.pool) }
        }
        let severity = (incidents.map(\.severity).max() ?? .info).rawValue
        let noun = ids.count == 1 ? "incident" : "incidents"
        return "\(noun) \(ids.joined(separator: ", ")) · \(escape(pools.joined(separator: ", "))) · \(severity) · \(link)"
    }

    /// `text` with Slack's three control characters escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// `text` escaped and cut to `limit` characters, never in the middle of an escape.
    static func clippedMarkdown(_ text: String, _ limit: Int) -> String {
        let escaped = escape(text)
        guard escaped.count > limit else { return escaped }
        var cut = String(escaped.prefix(limit - 1))
        if let amp = cut.lastIndex(of: "&"), !cut[amp...].contains(";") { cut = String(cut[..<amp]) }
        return cut + "…"
    }
}
