import Foundation

/// Something about an incident that people are told: it opened, it got worse, it is still open, a person acted on
/// it, or it resolved. It carries the incident as it was then, so a notification sent late or again says what was
/// true when it was made.
public struct NotificationEvent: Sendable, Codable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The incident opened.
        case opened
        /// Its diagnosis changed or its severity rose.
        case escalated
        /// Still open after the route's repeat interval (for Alertmanager: the periodic refresh of `endsAt`).
        case reminder
        /// A person acknowledged it.
        case acknowledged
        /// A person added a note.
        case note
        /// The balancer was rolled back to the configuration before the change, by a person or by Watch itself
        /// (`auto_rollback`); `text` says how it went.
        case rollback
        /// It resolved (by its signals, or by a person).
        case resolved
        /// `evenkeel watch test-notify`: proves the route, about no real incident.
        case test
    }

    public var kind: Kind
    /// When it happened.
    public var at: Date
    /// The incident as it was then.
    public var incident: Incident
    /// The person who acted, for `acknowledged`, `note` and a resolve by hand.
    public var actor: String?
    /// The team the person belongs to, so the other team is the one told.
    public var actorTeam: Audience?
    /// A person's words: the note, or what they said when acknowledging or resolving.
    public var text: String?
    /// Watch's own address for links (dashboard, incident), e.g. `http://127.0.0.1:9100`.
    public var watchURL: String

    /// Creates an event.
    public init(
        kind: Kind, at: Date, incident: Incident, actor: String? = nil, actorTeam: Audience? = nil, text: String? = nil,
        watchURL: String
    ) {
        self.kind = kind
        self.at = at
        self.incident = incident
        self.actor = actor
        self.actorTeam = actorTeam
        self.text = text
        self.watchURL = watchURL
    }

    enum CodingKeys: String, CodingKey {
        case kind, at, incident, actor, text
        case actorTeam = "actor_team"
        case watchURL = "watch_url"
    }

    /// Whether the incident is over as of this event.
    public var isResolved: Bool { kind == .resolved || incident.state == .resolved }
}
