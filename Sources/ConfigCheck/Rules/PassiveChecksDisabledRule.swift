import Foundation
/// A server whose failures are never counted keeps its share while it fails every request.
public struct PassiveChecksDisabledRule: Rule {
    public static let id = "EK118"
    public static let title = "passive checks disabled on a server"
    public static let severity = Severity.warning
    public static let hint = "Remove max_fails=0 (the default, max_fails=1 fail_timeout=10s, takes a failing server out)."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.flatMap { pool -> [Finding] in
            // With no detection at all, EK105 already says so for the whole pool.
            guard pool.activeHealth == nil, pool.passiveHealth != nil else { return [] }
            let share = 1 / Double(max(1, pool.primaries.count))
            return pool.servers.filter { $0.passiveChecksDisabled && !$0.down }.map { server in
                config.finding(
                    self, line: server.line,
                    "\(server.name) in pool \(pool.name) is never marked failed (max_fails=0) and nothing probes it: when it breaks it keeps ~\(Percent(share)) of requests and they all fail")
            }
        }
    }
}
