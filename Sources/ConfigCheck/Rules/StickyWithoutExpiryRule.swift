import Foundation
/// Stickiness that never expires keeps long-lived clients on the servers they first reached: servers added
/// later, or back from failure, get only new clients, and the old ones stay overloaded.
public struct StickyWithoutExpiryRule: Rule {
    public static let id = "EK121"
    public static let title = "sticky sessions without expiry"
    public static let severity = Severity.warning
    public static let hint = "Give stickiness an end: `maxidle 30m maxlife 8h` on the cookie, `expire 30m` on the stick table."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.compactMap { pool in
            guard let sticky = pool.stickiness, sticky.expiry == nil else { return nil }
            return config.finding(
                self, line: sticky.line,
                "pool \(pool.name) pins clients to a server with \(sticky.mechanism) that never expires: a server added or recovered later gets only new clients while the old ones stay where they were")
        }
    }
}
