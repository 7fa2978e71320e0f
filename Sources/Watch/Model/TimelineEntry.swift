import Foundation

/// One line of an incident's history.
public struct TimelineEntry: Sendable, Codable, Equatable {
    /// What kind of event: `opened`, `diagnosis_changed`, `severity_changed`, `evidence`, `resolved`, ….
    public var kind: String
    /// When.
    public var at: Date
    /// What happened, in words.
    public var text: String

    /// Creates an entry.
    public init(at: Date, kind: String, text: String) {
        self.at = at
        self.kind = kind
        self.text = text
    }
}
