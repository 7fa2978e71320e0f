import BalancerConfig
import Foundation

/// A queue that waits longer than a response may take, or holds far more than the pool can serve, only adds latency.
public struct QueueTimeoutRule: Rule {
    public static let id = "EK111"
    public static let title = "queue timeout or size out of proportion"
    public static let severity = Severity.warning
    public static let hint = "Keep timeouts.queue well below timeouts.response and limits.queue_size near the pool's total max_connections."

    public init() {}

    public func check(_ config: CheckedConfig, simulation: [PoolDistribution]) -> [Finding] {
        let timeouts = config.configuration.timeouts
        var findings: [Finding] = []
        if timeouts.queue >= timeouts.response {
            findings.append(
                config.finding(
                    self, at: "timeouts.queue",
                    "requests may wait \(timeouts.queue) in the queue, as long as a whole response (\(timeouts.response)): clients give up before they are served"))
        }
        let queue = config.configuration.limits.queueSize
        for pool in config.configuration.pools {
            let capacity = pool.primaries.reduce(0) { $0 + $1.maxConnections }
            if capacity > 0 && queue > 10 * capacity {
                findings.append(
                    config.finding(
                        self, at: "limits.queue_size",
                        "the queue holds \(queue) requests per backend, over 10x pool \(pool.name)'s \(capacity) connections: they wait instead of failing fast"))
            }
        }
        return findings
    }
}
