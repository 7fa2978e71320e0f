import Foundation

/// One line of an incident's history.
public struct TimelineEntry: Sendable, Codable, Equatable {
    /// What kind of event: `config_change`, `detected`, `opened`, `diagnosis_changed`, `severity_changed`,
    /// `backends_changed`, `notified`, `notify_failed`, `acknowledged`, `note`, `resolved`.
    public var kind: String
    /// When.
    public var at: Date
    /// What happened, in words.
    public var text: String
    /// The person who did it; nil for what Watch did or saw.
    public var by: String?

    /// Creates an entry.
    public init(at: Date, kind: String, text: String, by: String? = nil) {
        self.kind = kind
        self.at = at
        self.text = text
        self.by = by
    }
}
