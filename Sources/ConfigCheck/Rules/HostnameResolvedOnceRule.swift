import BalancerConfig
import Foundation


/// A backend named by host name is resolved when the configuration loads; a changed address keeps its share
/// pointed at the old server until the next reload.
public struct HostnameResolvedOnceRule: Rule {
    public static let id = "EK113"
    public static let title = "host name resolved only at start"
    public static let severity = Severity.warning
    public static let hint = "Use IP addresses, or reload the balancer whenever DNS changes."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        config.pools.flatMap { pool in
            pool.servers.compactMap { server in
                guard !server.hostIsLiteral, server.host != "localhost", !server.resolvedAtRuntime, !server.down else { return nil }
                return config.finding(
                    self, line: server.addressLine,
                    "\(server.name) is named by host name \(server.host), resolved once at start: if its address changes, its share of requests keeps going to the old one")
            }
        }
    }

    public static func hint(for dialect: Dialect) -> String {
        switch dialect {
        case .evenkeel: hint
        case .haproxy: "Add a resolvers section and `resolvers NAME` to the server (or default-server) line, or use IP addresses."
        case .nginx: "Use IP addresses and reload nginx when they change; nginx resolves upstream host names only at start."
        }
    }
}
