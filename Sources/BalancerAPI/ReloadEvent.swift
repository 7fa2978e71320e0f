import Foundation

/// A record of one reload attempt, served at `GET /admin/events` and logged.
public struct ReloadEvent: Sendable, Equatable, Codable {
    /// The outcome.
    public enum Result: String, Sendable, Equatable, Codable {
        /// The new configuration is serving.
        case applied
        /// The new configuration was refused; the old one keeps serving.
        case refused
        /// The file was identical to the running configuration.
        case unchanged
    }

    /// When the reload was attempted.
    public var time: Date
    /// What triggered it: `sighup`, `admin`, `api`.
    public var trigger: String
    /// Applied, refused or unchanged.
    public var result: Result
    /// Hash of the configuration serving before.
    public var previousHash: String
    /// Hash of the offered configuration (nil when it could not be parsed).
    public var newHash: String?
    /// One-line summary of the differences (see `ConfigDiff`).
    public var diff: String
    /// Why it was refused, if it was.
    public var error: String?
    /// Warnings from the reload checker.
    public var warnings: [String]

    /// Creates an event.
    public init(
        time: Date, trigger: String, result: Result, previousHash: String, newHash: String?, diff: String,
        error: String?, warnings: [String]
    ) {
        self.time = time
        self.trigger = trigger
        self.result = result
        self.previousHash = previousHash
        self.newHash = newHash
        self.diff = diff
        self.error = error
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case time, trigger, result, diff, error, warnings
        case previousHash = "previous_hash"
        case newHash = "new_hash"
    }
}
