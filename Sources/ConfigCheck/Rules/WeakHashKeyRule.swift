import BalancerConfig

/// Hashing on a header with few values (or one a client sets at will) concentrates traffic on few backends.
public struct WeakHashKeyRule: Rule {
    public static let id = "EK109"
    public static let title = "weak hash key"
    public static let severity = Severity.warning
    public static let hint = "Hash on a key with many values that clients cannot choose, such as a session cookie the site sets."
    /// Headers with a handful of values across all clients.
    static let lowCardinality: Set<String> = [
        "host", "user-agent", "accept", "accept-language", "accept-encoding", "x-forwarded-proto", "content-type", "origin",
    ]

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard case .hash(let policy) = pool.algorithm else { return nil }
            switch policy.key {
            case .constant(let text):
                return config.finding(
                    self, .error, line: pool.algorithmLine,
                    "pool \(pool.name) hashes the constant '\(text)': every request has the same key and goes to one backend")
            case .header(let name) where Self.lowCardinality.contains(name.lowercased()):
                return config.finding(
                    self, line: pool.algorithmLine,
                    "pool \(pool.name) hashes on \(name), which has a handful of values: a few backends get nearly all requests")
            case .header(let name):
                return config.finding(
                    self, .info, line: pool.algorithmLine,
                    "pool \(pool.name) hashes on the request header \(name), which clients set: one client can pin all its requests to one backend")
            default:
                return nil
            }
        }
    }
}
