import BalancerConfig

/// What an Evenkeel balancer configuration intends for a load test's distribution figures: the header the
/// balancer names backends in, and each backend's weight under the name the balancer sends in it.
public struct ExpectedShares: Sendable, Equatable {
    /// The response header carrying the backend's name (`backend_header`, default `X-Evenkeel-Backend`).
    public var header: String
    /// Weight per backend `name`, primaries only: backups get no traffic while primaries are up, so a backup
    /// that shows up in the counts is reported as unexpected traffic.
    public var weights: [String: Double]

    /// The expectation for requests to `path`, from the pool that serves it.
    public init(config: BalancerConfiguration, path: String = "/") {
        header = config.backendHeader
        let pool = config.pool(forPath: path) ?? config.pools.first
        weights = Dictionary(
            (pool?.backends ?? []).filter { !$0.backup }.map { ($0.name, Double($0.weight)) }, uniquingKeysWith: +)
    }
}
