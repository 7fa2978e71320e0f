import Foundation

/// A change of a balancer's configuration that Watch saw: a reload the balancer applied, or a watched file whose
/// content changed.
public struct ConfigChange: Sendable, Codable, Equatable {
    /// When it took effect.
    public var at: Date
    /// Where it was seen: the balancer's admin URL, or the file's path.
    public var source: String
    /// What changed, in one line (the balancer's `ConfigDiff`, e.g. `algorithm jobboard round_robin→consistent_hash(key: source_ip)`).
    public var diff: String
    /// The configuration's hash after the change, when known.
    public var hash: String?
    /// The hash of the configuration serving before it, when the source says: what a rollback goes back to.
    public var previousHash: String?
    /// What made it: `sighup`, `admin`, `rollback`, … (a balancer's reload trigger), nil for a file.
    public var trigger: String?
    /// For a watched file (HAProxy, nginx), where Watch kept a copy of the text before the change, so it can be
    /// restored with that balancer's own tooling.
    public var previousCopy: String?

    /// Creates a change.
    public init(at: Date, source: String, diff: String, hash: String? = nil, previousHash: String? = nil, trigger: String? = nil) {
        self.at = at
        self.source = source
        self.diff = diff
        self.hash = hash
        self.previousHash = previousHash
        self.trigger = trigger
    }

    /// The commands that put a watched file back as it was before the change (nil for a balancer's reload, which
    /// Evenkeel rolls back itself).
    public var restoreCommand: String? {
        guard !isOnBalancer, let previousCopy else { return nil }
        let reload = source.contains("haproxy") ? "haproxy -c -f \(source) && systemctl reload haproxy"
            : source.contains("nginx") ? "nginx -t && nginx -s reload" : "reload the balancer with its own tooling"
        return "cp \(previousCopy) \(source) && \(reload)"
    }

    /// Whether it was seen on an Evenkeel balancer's admin API, which can roll it back.
    public var isOnBalancer: Bool { source.hasPrefix("http://") || source.hasPrefix("https://") }

    enum CodingKeys: String, CodingKey {
        case at, source, diff, hash, trigger
        case previousHash = "previous_hash"
        case previousCopy = "previous_copy"
    }
}
