import Foundation

/// One configuration the balancer applied, as `GET /admin/configs` lists it: its full text, so a rollback to it
/// needs nothing else, and where it came from.
public struct ConfigVersion: Sendable, Equatable, Codable {
    /// The configuration's hash (as `/admin/stats` and reload events name it).
    public var hash: String
    /// When it was applied.
    public var appliedAt: Date
    /// What applied it: `start`, `sighup`, `admin`, `rollback`.
    public var trigger: String
    /// What changed from the configuration before it (empty for the first).
    public var diff: String
    /// The file's text as it was applied.
    public var text: String

    public init(hash: String, appliedAt: Date, trigger: String, diff: String, text: String) {
        self.hash = hash
        self.appliedAt = appliedAt
        self.trigger = trigger
        self.diff = diff
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case hash, trigger, diff, text
        case appliedAt = "applied_at"
    }
}

/// `GET /admin/configs`: the configurations kept, oldest first, and the one serving.
public struct ConfigVersionList: Sendable, Equatable, Codable {
    /// The serving configuration's hash.
    public var current: String
    public var versions: [ConfigVersion]

    public init(current: String, versions: [ConfigVersion]) {
        self.current = current
        self.versions = versions
    }
}
