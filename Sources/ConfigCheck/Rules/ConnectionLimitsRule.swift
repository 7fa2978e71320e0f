import BalancerConfig
import Foundation

/// Per-backend connection limits far below what the listener accepts mean most requests wait in the queue.
public struct ConnectionLimitsRule: Rule {
    public static let id = "EK110"
    public static let title = "connection limits far below the frontend"
    public static let severity = Severity.warning
    public static let hint = "Raise backends' max_connections, or lower limits.max_client_connections to what the pool can serve."
    /// The pool's total below this share of the listener's limit is a finding.
    static let share = 0.01

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        var findings: [Finding] = []
        for frontend in config.frontends {
            guard let accepted = frontend.maxConnections else { continue }
            for pool in config.pools where frontend.pools.contains(pool.name) {
                let limits = pool.primaries.map(\.maxConnections)
                // One unlimited server can take whatever the others cannot.
                guard !limits.isEmpty, !limits.contains(nil) else { continue }
                let total = limits.reduce(0) { $0 + ($1 ?? 0) }
                guard Double(total) < Double(accepted) * Self.share else { continue }
                findings.append(
                    config.finding(
                        self, line: pool.primaries[0].line,
                        "pool \(pool.name) serves at most \(total) requests at once but \(frontend.name) accepts \(accepted) connections (line \(frontend.maxConnectionsLine)): under load almost all requests queue, then fail"))
            }
        }
        return findings
    }

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: hint
        case .haproxy: "Raise the servers' maxconn, or lower the frontend's maxconn to what the backend can serve."
        case .nginx: "Raise the servers' max_conns, or lower worker_connections to what the upstream can serve."
        }
    }
}
