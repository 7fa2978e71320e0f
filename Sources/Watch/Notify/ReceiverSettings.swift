/// Where notifications go and in which shape: one named receiver of a `--notify` file.
public struct ReceiverSettings: Sendable, Equatable {
    /// The shape of the HTTP request a receiver takes.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A POST of Alertmanager's webhook payload (version 4), so any tool that takes Alertmanager's takes Watch's.
        case webhook
        /// Alerts pushed to a real Alertmanager (`POST /api/v2/alerts`), which routes, silences and de-duplicates.
        case alertmanager
        /// A Slack incoming webhook (`text` plus `blocks`).
        case slack
        /// PagerDuty's Events API v2 (`trigger` and `resolve` with a stable `dedup_key`).
        case pagerduty
    }

    /// Its name, which routes refer to.
    public var name: String
    public var kind: Kind
    /// The URL requests go to: the webhook, Alertmanager's base URL, Slack's webhook, or PagerDuty's events endpoint.
    public var url: String
    /// Whom the words are written for.
    public var audience: Audience
    /// PagerDuty's integration (routing) key; nil for the other kinds.
    public var routingKey: String?
    /// How long one attempt may take.
    public var timeout: Duration

    /// Creates a receiver.
    public init(name: String, kind: Kind, url: String, audience: Audience, routingKey: String? = nil, timeout: Duration = .seconds(5)) {
        self.name = name
        self.kind = kind
        self.url = url
        self.audience = audience
        self.routingKey = routingKey
        self.timeout = timeout
    }
}
