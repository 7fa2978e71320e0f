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
        config.configuration.pools.enumerated().flatMap { poolIndex, pool in
            pool.backends.enumerated().compactMap { index, backend in
                let host = backend.address.host
                let isIP = host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
                guard !isIP, host != "localhost" else { return nil }
                return config.finding(
                    self, at: "pools[\(poolIndex)].backends[\(index)].address",
                    "\(backend.name) is named by host name \(host), resolved once: if its address changes, its share of requests keeps going to the old one")
            }
        }
    }
}
