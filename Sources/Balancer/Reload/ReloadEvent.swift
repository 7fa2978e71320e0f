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

    /// When the reload was attempted (seconds since 1970).
    public var time: Double
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
}
