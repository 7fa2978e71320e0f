import Foundation
/// The same address listed twice in one pool gets two shares: double the load its weight suggests.
public struct DuplicateServerRule: Rule {
    public static let id = "EK117"
    public static let title = "server listed twice in a pool"
    public static let severity = Severity.error
    public static let hint = "List each server once; if it should carry more, raise its weight instead."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        var findings: [Finding] = []
        for pool in config.pools {
            var first: [String: CheckedServer] = [:]
            let totalWeight = Double(pool.primaries.reduce(0) { $0 + $1.weight })
            for server in pool.servers where !server.down {
                guard let earlier = first[server.address] else {
                    first[server.address] = server
                    continue
                }
                let combined = pool.primaries.filter { $0.address == server.address }.reduce(0) { $0 + $1.weight }
                let share = totalWeight > 0 ? " and ~\(Percent(Double(combined) / totalWeight)) of requests" : ""
                findings.append(
                    config.finding(
                        self, line: server.addressLine,
                        "\(server.address) is listed again in pool \(pool.name) (first as \(earlier.name), line \(earlier.addressLine)): it gets both entries' shares\(share)"))
            }
        }
        return findings
    }
}
