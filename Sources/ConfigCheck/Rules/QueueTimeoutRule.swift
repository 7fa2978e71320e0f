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
        var findings: [Finding] = []
        var reported: Set<Int> = []
        for pool in config.pools {
            guard let queue = pool.queue else { continue }
            switch (queue.timeout, queue.responseTimeout) {
            case (nil, _) where !reported.contains(queue.timeoutLine):
                reported.insert(queue.timeoutLine)
                findings.append(
                    config.finding(
                        self, line: queue.timeoutLine,
                        "requests to pool \(pool.name) that wait for a server connection have no time limit: under load they pile up instead of failing fast"))
            case (let timeout?, let response?) where timeout >= response && !reported.contains(queue.timeoutLine):
                reported.insert(queue.timeoutLine)
                findings.append(
                    config.finding(
                        self, line: queue.timeoutLine,
                        "requests may wait \(timeout) in the queue, as long as a whole response (\(response)): clients give up before they are served"))
            default:
                break
            }
            let capacity = pool.primaries.reduce(0) { $0 + ($1.maxConnections ?? 0) }
            if let size = queue.size, capacity > 0, size > 10 * capacity {
                findings.append(
                    config.finding(
                        self, line: queue.sizeLine,
                        "the queue holds \(size) requests, over 10x pool \(pool.name)'s \(capacity) connections: they wait instead of failing fast"))
            }
        }
        return findings
    }

    public static func hint(for dialect: Dialect) -> String {
        dialect == .haproxy ? "Set `timeout queue` well below `timeout server` (for example 5s) wherever servers have maxconn." : hint
    }
}
