import BalancerConfig
import Foundation

/// The same server in two pools gets both pools' shares; its weight in each pool understates its load.
public struct AddressInSeveralPoolsRule: Rule {
    public static let id = "EK104"
    public static let title = "address in several pools"
    public static let severity = Severity.warning
    public static let hint = "Give each pool its own servers, or lower the shared server's weights so its total load matches its capacity."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        var seen: [String: (pool: String, line: Int)] = [:]
        var findings: [Finding] = []
        for pool in config.pools {
            for server in pool.servers where !server.down {
                let address = server.address
                if let first = seen[address], first.pool != pool.name {
                    findings.append(
                        config.finding(
                            self, line: server.addressLine,
                            "\(address) is in pool \(first.pool) and pool \(pool.name): it receives both pools' shares (line \(first.line))"))
                } else if seen[address] == nil {
                    seen[address] = (pool.name, server.addressLine)
                }
            }
        }
        return findings
    }
}
